//! `/api/v1/admin/jobs`: the Jobs page's data for integrations (care managers; the
//! permission is checked before these run, `super::require`).

use super::{SignedIn, extract::QueryParams};
use app::{
    admin_jobs::{api::JobsOverview, ssr},
    audit::Actor,
    auth::RequestMeta,
    error::AppError,
    state::AppState,
};
use axum::{
    Extension, Json,
    extract::{Path, State},
    http::StatusCode,
};
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
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let actor = Actor::user(&user, &meta);
    ssr::retry(&state.db, &id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn discard(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let actor = Actor::user(&user, &meta);
    ssr::discard(&state.db, &id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
