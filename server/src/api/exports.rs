//! CSV downloads of the table views: the people list (filtered like the page) and every
//! carer's progress. Each export is audited (it carries personal data); the audit log's
//! own export is `audit.rs`, the rota week's is in `rota.rs`.

use super::{SignedIn, extract::QueryParams};
use app::{
    audit::{self, Actor, Entry},
    auth::RequestMeta,
    error::AppError,
    state::AppState,
    users::api::Tab,
};
use axum::{
    Extension,
    body::Body,
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

/// `caretrack-<what>-<today>`: the name of an export that is as of today.
pub fn dated(what: &str) -> String {
    let today = caretrack::london::business_day(time::OffsetDateTime::now_utc());
    format!("caretrack-{what}-{today}")
}

/// A CSV download named `<stem>.csv`, never cached.
pub fn csv_attachment(stem: &str, body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// Records that `actor` downloaded an export, with the filter they used.
pub async fn audit_export(
    state: &AppState,
    actor: &Actor,
    action: &'static str,
    filter: serde_json::Value,
) -> Result<(), AppError> {
    let mut conn = state.db.acquire().await?;
    audit::record(&mut conn, actor, Entry::new(action).after(filter)).await?;
    Ok(())
}

fn default_tab() -> Tab {
    Tab::Carers
}

/// The People page's filter.
#[derive(Debug, Deserialize, Serialize)]
pub struct UserFilter {
    #[serde(default = "default_tab")]
    tab: Tab,
    #[serde(default)]
    search: String,
    #[serde(default)]
    fully_assessed: bool,
}

/// `GET /api/v1/admin/users.csv`
pub async fn users(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    QueryParams(filter): QueryParams<UserFilter>,
) -> Result<Response, AppError> {
    let csv =
        app::users::ssr::export_csv(&state, filter.tab, &filter.search, filter.fully_assessed)
            .await?;
    audit_export(
        &state,
        &Actor::user(&user, &meta),
        "users.export",
        serde_json::to_value(&filter).unwrap_or_default(),
    )
    .await?;
    Ok(csv_attachment(&dated("people"), Body::from(csv)))
}

/// `GET /api/v1/admin/progress.csv`
pub async fn progress(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
) -> Result<Response, AppError> {
    let csv = app::care::ssr::practice::progress_csv(&state, &user).await?;
    audit_export(
        &state,
        &Actor::user(&user, &meta),
        "progress.export",
        serde_json::Value::Null,
    )
    .await?;
    Ok(csv_attachment(&dated("progress"), Body::from(csv)))
}
