//! A package's week over REST: read, draft, publish, its slot plan, who can cover a shift.

use crate::api::extract::Acting;
use crate::api::extract::{JsonBody, PathId, QueryParams};
use app::{
    error::AppError,
    rota::{
        cover::{api::Cover, ssr as cover},
        slots::ssr as slots,
        week::{
            api::{Override, Published, RotaWeek, SavedDraft, SlotAssignment},
            ssr as rota_week,
        },
    },
    state::AppState,
};
use axum::{Json, extract::State};
use caretrack::{ids::ShiftId, rota::SlotForm};
use serde::Deserialize;
use time::{Date, OffsetDateTime};

#[derive(Deserialize)]
pub struct CoverQuery {
    slot: ShiftId,
}

/// `GET /api/v1/rota/{package_id}/cover?slot=…`: who can cover one of its shifts.
pub async fn cover(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(package): PathId,
    QueryParams(query): QueryParams<CoverQuery>,
) -> Result<Json<Cover>, AppError> {
    Ok(Json(
        cover::cover(&state, &actor, package.into(), query.slot).await?,
    ))
}

#[derive(Deserialize)]
pub struct OptionalWeek {
    #[serde(default)]
    week: String,
}

/// The Monday named by `week`, or this week's when it is left out.
pub(super) fn week_or_this(week: &str) -> Result<Date, AppError> {
    if week.trim().is_empty() {
        Ok(caretrack::days::week_of(OffsetDateTime::now_utc()))
    } else {
        app::rota::parse_week(week)
    }
}

/// `GET /api/v1/rota/{package_id}?week=…`: the week as the editor loads it.
pub async fn week(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(package): PathId,
    QueryParams(query): QueryParams<OptionalWeek>,
) -> Result<Json<RotaWeek>, AppError> {
    let week = week_or_this(&query.week)?;
    Ok(Json(
        rota_week::load_week(&state, &actor, package.into(), week).await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct DraftBody {
    week: String,
    base_revision: i64,
    #[serde(default)]
    assignments: Vec<SlotAssignment>,
}

/// `PUT /api/v1/rota/{package_id}/draft`: saves the week's draft (who is on each
/// slot), answered with the server's check of it.
pub async fn save_draft(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(package): PathId,
    JsonBody(body): JsonBody<DraftBody>,
) -> Result<Json<SavedDraft>, AppError> {
    let week = app::rota::parse_week(&body.week)?;
    Ok(Json(
        rota_week::save_draft(
            &state,
            &actor,
            package.into(),
            week,
            body.assignments,
            body.base_revision,
        )
        .await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct PublishBody {
    week: String,
    revision: i64,
    #[serde(default)]
    overrides: Vec<Override>,
}

/// `POST /api/v1/rota/{package_id}/publish`: publishes the saved draft of the week.
pub async fn publish(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(package): PathId,
    JsonBody(body): JsonBody<PublishBody>,
) -> Result<Json<Published>, AppError> {
    let week = app::rota::parse_week(&body.week)?;
    Ok(Json(
        rota_week::publish(
            &state,
            &actor,
            package.into(),
            week,
            body.revision,
            body.overrides,
        )
        .await?,
    ))
}

/// `GET /api/v1/rota/{package_id}/slots`: the package's DAY and NIGHT shift times.
pub async fn slots(
    State(state): State<AppState>,
    PathId(package): PathId,
) -> Result<Json<SlotForm>, AppError> {
    Ok(Json(slots::slot_plan(&state.db, package).await?.form()))
}

/// `PUT /api/v1/rota/{package_id}/slots`: new times; future shifts nobody is on move.
pub async fn save_slots(
    State(state): State<AppState>,
    Acting { actor, .. }: Acting,
    PathId(package): PathId,
    JsonBody(form): JsonBody<SlotForm>,
) -> Result<Json<SlotsSaved>, AppError> {
    let (plan, moved) = slots::save_slot_plan(&state, &actor, package.into(), &form).await?;
    Ok(Json(SlotsSaved {
        slots: plan.form(),
        shifts_moved: moved,
    }))
}

/// The slot times as saved, and how many future shifts moved to them.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct SlotsSaved {
    slots: SlotForm,
    /// Future shifts nobody was on, moved to the new times.
    shifts_moved: u64,
}
