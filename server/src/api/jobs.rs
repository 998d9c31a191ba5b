//! `/api/v1/admin/jobs`: the Jobs page's data for integrations (admin only).

use super::{SignedIn, extract::QueryParams};
use app::{
    admin_jobs::{api::JobsOverview, ssr},
    audit::Actor,
    auth::{RequestMeta, authorize},
    error::AppError,
    state::AppState,
};
use axum::{
    Extension, Json,
    extract::{Path, State},
    http::StatusCode,
};
use caretrack::permissions::Permission;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

async fn admin(state: &AppState, user: SignedIn, meta: &RequestMeta) -> Result<Actor, AppError> {
    let SignedIn(user) = user;
    authorize(state, &user, meta, Permission::ManageJobs).await?;
    Ok(Actor::user(&user, meta))
}

pub async fn overview(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    user: SignedIn,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<JobsOverview>, AppError> {
    admin(&state, user, &meta).await?;
    Ok(Json(
        ssr::overview(&state.db, query.page.unwrap_or(1)).await?,
    ))
}

pub async fn retry(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    user: SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let actor = admin(&state, user, &meta).await?;
    ssr::retry(&state.db, &id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn discard(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    user: SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let actor = admin(&state, user, &meta).await?;
    ssr::discard(&state.db, &id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
