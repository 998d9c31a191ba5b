//! CSV downloads of the table views: the people list (filtered like the page) and every
//! carer's progress. Each export is audited (it carries personal data); the audit log's
//! own export is `audit.rs`, the rota week's is in `rota.rs`.

use super::extract::QueryParams;
use crate::api::extract::Acting;
use app::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
    users::api::Tab,
};
use axum::{
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
    Acting { actor, .. }: Acting,
    QueryParams(filter): QueryParams<UserFilter>,
) -> Result<Response, AppError> {
    let csv =
        app::users::ssr::export_csv(&state, filter.tab, &filter.search, filter.fully_assessed)
            .await?;
    audit_export(
        &state,
        &actor,
        "users.export",
        serde_json::to_value(&filter).unwrap_or_default(),
    )
    .await?;
    Ok(csv_attachment(&dated("people"), Body::from(csv)))
}

/// `GET /api/v1/admin/progress.csv`
pub async fn progress(
    State(state): State<AppState>,
    Acting { user, actor }: Acting,
) -> Result<Response, AppError> {
    let csv = app::care::ssr::practice::progress_csv(&state, &user).await?;
    audit_export(&state, &actor, "progress.export", serde_json::Value::Null).await?;
    Ok(csv_attachment(&dated("progress"), Body::from(csv)))
}

/// This feature's REST routes: who may call each, and its documentation (`super::api`).
pub(super) fn routes(api: super::Api) -> super::Api {
    use super::Access;
    use super::openapi::{ADMIN, Doc, Query, Reply};
    use axum::routing::get;
    use caretrack::permissions::Permission;
    api.route(
        "GET",
        "/api/v1/admin/users.csv",
        Access::Permission(Permission::ViewUsers),
        get(users),
        Doc::new(
            ADMIN,
            "People as CSV, filtered like the People page",
            Reply::Csv,
        )
        .query(&[
            Query {
                name: "tab",
                kind: "string",
                required: false,
                description: "`Carers` (the default) or `Office`",
            },
            Query {
                name: "search",
                kind: "string",
                required: false,
                description: "Part of the name or email",
            },
            Query {
                name: "fully_assessed",
                kind: "boolean",
                required: false,
                description: "Only carers rated in every task they are assigned",
            },
        ]),
    )
    .route(
        "GET",
        "/api/v1/admin/progress.csv",
        Access::Permission(Permission::ViewProgress),
        get(progress),
        Doc::new(
            ADMIN,
            "Every carer's progress and competency per task, as CSV",
            Reply::Csv,
        ),
    )
}
