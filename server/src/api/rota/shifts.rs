//! The shift sender over REST: shifts sent out, applicants, decisions, a carer's interest.

use crate::api::extract::Acting;
use crate::api::{
    SignedIn,
    extract::{JsonBody, PathId, QueryParams},
};
use app::wire::Page;
use app::{
    error::AppError,
    rota::sender::{
        api::{Decision, MyApplication, OpenShift, ShiftApplicants},
        ssr as sender,
    },
    state::AppState,
};
use axum::{Json, extract::State, http::StatusCode};
use caretrack::ids::UserId;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<i64>,
}

/// `GET /api/v1/shifts/open`.
pub async fn open_shifts(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<Page<OpenShift>>, AppError> {
    Ok(Json(
        sender::open_shifts(&state.db, query.page.unwrap_or(1)).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct SendOutBody {
    competent_only: bool,
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/shifts/{id}/send-out`.
pub async fn send_out(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(shift): PathId,
    JsonBody(body): JsonBody<SendOutBody>,
) -> Result<StatusCode, AppError> {
    sender::open(
        &state,
        &actor,
        shift.into(),
        body.competent_only,
        &body.note,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/shifts/{id}/applications`: applicants, each with the rule check.
pub async fn applications(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(shift): PathId,
) -> Result<Json<ShiftApplicants>, AppError> {
    Ok(Json(
        sender::applicants(&state, &actor, shift.into()).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct DecisionBody {
    carer_id: UserId,
    decision: Decision,
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/shifts/{id}/decisions`: select, reject or withdraw one application.
pub async fn decide(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(shift): PathId,
    JsonBody(body): JsonBody<DecisionBody>,
) -> Result<StatusCode, AppError> {
    sender::decide(
        &state,
        &actor,
        shift.into(),
        body.carer_id,
        body.decision,
        &body.reason,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/me/shifts/available`: open shifts the carer may apply for.
pub async fn available(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<Page<OpenShift>>, AppError> {
    Ok(Json(
        sender::available(&state.db, user.user_id, query.page.unwrap_or(1)).await?,
    ))
}

/// `POST /api/v1/shifts/{id}/interest`: the carer confirms interest (once; only a
/// manager can withdraw it).
pub async fn interest(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(shift): PathId,
) -> Result<StatusCode, AppError> {
    sender::apply(&state, &actor, shift.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/me/shift-applications`.
pub async fn my_applications(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Json<Page<MyApplication>>, AppError> {
    Ok(Json(
        sender::applications(&state.db, user.user_id, query.page.unwrap_or(1)).await?,
    ))
}
