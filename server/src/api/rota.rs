//! `/api/v1/rota/check`: the rules engine as a stateless dry run. The same function the
//! rota editor runs in the browser (WASM) and the server runs on save.

use super::extract::JsonBody;
use app::error::AppError;
use axum::Json;
use caretrack::rota::{Report, RotaInput, validate_rota};

/// The largest body the check accepts: 17 weeks of history for a few hundred carers
/// is a few megabytes of JSON.
pub const CHECK_BODY_LIMIT: usize = 16 * 1024 * 1024;

pub async fn check(JsonBody(input): JsonBody<RotaInput>) -> Result<Json<Report>, AppError> {
    // A big rota is milliseconds of pure CPU: keep it off the async workers.
    let checked = tokio::task::spawn_blocking(move || validate_rota(input))
        .await
        .map_err(|_| AppError::Internal)?;
    let violations =
        checked.map_err(|error| AppError::validation(error.field(), error.to_string()))?;
    Ok(Json(Report::new(violations)))
}
