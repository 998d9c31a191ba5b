//! `/api/v1/admin/jobs`: the Jobs page's data for integrations (care managers; the
//! permission is checked before these run, `super::require`).

use super::extract::{PathId, QueryParams};
use crate::api::extract::Acting;
use app::{
    admin_jobs::{api::JobsOverview, ssr},
    error::AppError,
    state::AppState,
};
use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

pub async fn overview(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<JobsOverview>, AppError> {
    Ok(Json(
        ssr::overview(&state.db, query.page.unwrap_or(1)).await?,
    ))
}

pub async fn retry(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    ssr::retry(&state.db, id.into(), &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn discard(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(id): PathId,
) -> Result<StatusCode, AppError> {
    ssr::discard(&state.db, id.into(), &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This feature's REST routes: who may call each, and its documentation (`super::api`).
pub(super) fn routes(api: super::Api) -> super::Api {
    use super::Access;
    use super::openapi::{ADMIN, Doc, Query, Reply};
    use axum::routing::{get, post};
    use caretrack::permissions::Permission;
    let manage_jobs = Access::Permission(Permission::ManageJobs);
    api.route(
        "GET",
        "/api/v1/admin/jobs",
        manage_jobs,
        get(overview),
        Doc::new(
            ADMIN,
            "Background jobs: counts by queue and status, failures (25 a page)",
            Reply::json::<JobsOverview>(),
        )
        .query(&[Query {
            name: "page",
            kind: "integer",
            required: false,
            description: "From 1",
        }]),
    )
    .route(
        "POST",
        "/api/v1/admin/jobs/{id}/retry",
        manage_jobs,
        post(retry),
        Doc::new(ADMIN, "Run a failed job again", Reply::NoContent),
    )
    .route(
        "POST",
        "/api/v1/admin/jobs/{id}/discard",
        manage_jobs,
        post(discard),
        Doc::new(ADMIN, "Give up on a failed job", Reply::NoContent),
    )
}
