//! Probes for load balancers and orchestrators.
//!
//! `/healthz`: the process is up and serving. `/readyz`: PostgreSQL and Redis answer;
//! 503 with the reasons otherwise (uses the same check as the system status page).

use app::{state::AppState, status::ssr::check_system};
use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::json;

pub async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let status = check_system(&state).await;
    let body = json!({
        "status": if status.is_ready() { "ready" } else { "not ready" },
        "postgres": { "reachable": status.database.reachable, "detail": status.database.detail },
        "redis": { "reachable": status.redis.reachable, "detail": status.redis.detail },
        "problems": status.problems(),
    });
    let code = if status.is_ready() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body))
}
