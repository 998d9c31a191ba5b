//! The rota over REST: `/api/v1/rota/check` (the rules engine as a stateless dry run,
//! the same function the editor runs in the browser and the server on save), who can
//! cover a shift, the shift sender, the carer's own rota and its calendar feed. The
//! services are the pages' own (`app::rota`).

use super::{
    SignedIn,
    extract::{JsonBody, PathId, QueryParams},
};
use app::{
    audit::Actor,
    auth::RequestMeta,
    care::api::Page,
    error::AppError,
    rota::{
        carer_rota::{api::MyShift, ssr as carer_rota},
        cover::{api::Cover, ssr as cover},
        sender::{
            api::{Decision, MyApplication, OpenShift, ShiftApplicants},
            ssr as sender,
        },
        slots::ssr as slots,
        week::{
            api::{Override, Published, RotaWeek, SavedDraft, SlotAssignment},
            ssr as rota_week,
        },
    },
    state::AppState,
};
use axum::{
    Extension, Json,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use caretrack::{
    ids::{ShiftId, UserId},
    london,
    rota::{Report, RotaInput, SlotForm, validate_rota},
};
use serde::Deserialize;
use time::{Date, Duration, OffsetDateTime};

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

/// `GET /api/v1/calendar/{token}.ics`: a carer's rota as an iCalendar feed. The secret
/// link is the credential (calendar apps send no cookies); an unknown or turned-off
/// link is a 404.
pub async fn calendar_feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let feed = carer_rota::calendar_feed(&state, token)
        .await?
        .ok_or_else(|| AppError::NotFound("That calendar".into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        feed,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
}

/// The longest window `GET /api/v1/me/rota` answers.
const MAX_RANGE_DAYS: i64 = 26 * 7;

/// `GET /api/v1/me/rota?from&to`: the signed-in carer's confirmed shifts between two
/// London dates (default: today and eight weeks on).
pub async fn my_rota(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    QueryParams(query): QueryParams<RangeQuery>,
) -> Result<Json<Vec<MyShift>>, AppError> {
    let today = london::business_day(OffsetDateTime::now_utc());
    let day = |text: Option<String>, field: &'static str, default: Date| match text {
        None => Ok(default),
        Some(text) => caretrack::days::parse(&text)
            .filter(|d| caretrack::days::YEARS.contains(&d.year()))
            .ok_or_else(|| {
                AppError::validation(
                    field,
                    "Use a date such as 2026-11-02, between 2000 and 2100.",
                )
            }),
    };
    let from = day(query.from, "from", today)?;
    let to = day(query.to, "to", from.saturating_add(Duration::weeks(8)))?;
    if to <= from || (to - from).whole_days() > MAX_RANGE_DAYS {
        return Err(AppError::validation(
            "to",
            "Choose an end after the start, at most 26 weeks on.",
        ));
    }
    Ok(Json(
        carer_rota::my_rota(
            &state.db,
            user.user_id,
            london::start_of_day(from),
            london::start_of_day(to),
        )
        .await?,
    ))
}

#[derive(Deserialize)]
pub struct CoverQuery {
    slot: ShiftId,
}

/// `GET /api/v1/rota/{package_id}/cover?slot=…`: who can cover one of its shifts.
pub async fn cover(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    PathId(package): PathId,
    QueryParams(query): QueryParams<CoverQuery>,
) -> Result<Json<Cover>, AppError> {
    let actor = Actor::user(&user, &meta);
    Ok(Json(
        cover::cover(&state, &actor, package.into(), query.slot).await?,
    ))
}

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

#[derive(Deserialize)]
pub struct SendOutBody {
    competent_only: bool,
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/shifts/{id}/send-out`.
pub async fn send_out(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    PathId(shift): PathId,
    JsonBody(body): JsonBody<SendOutBody>,
) -> Result<StatusCode, AppError> {
    let actor = Actor::user(&user, &meta);
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
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    PathId(shift): PathId,
) -> Result<Json<ShiftApplicants>, AppError> {
    let actor = Actor::user(&user, &meta);
    Ok(Json(
        sender::applicants(&state, &actor, shift.into()).await?,
    ))
}

#[derive(Deserialize)]
pub struct DecisionBody {
    carer_id: UserId,
    decision: Decision,
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/shifts/{id}/decisions`: select, reject or withdraw one application.
pub async fn decide(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    PathId(shift): PathId,
    JsonBody(body): JsonBody<DecisionBody>,
) -> Result<StatusCode, AppError> {
    let actor = Actor::user(&user, &meta);
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
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    PathId(shift): PathId,
) -> Result<StatusCode, AppError> {
    let actor = Actor::user(&user, &meta);
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

#[derive(Deserialize)]
pub struct WeekQuery {
    week: String,
}

/// The week an export asks for, as carers were told it. Every export of it is audited
/// (`rota.export`, with the format): it names who worked when.
async fn published(
    state: &AppState,
    actor: &Actor,
    package: sqlx::types::Uuid,
    query: &WeekQuery,
    format: &'static str,
) -> Result<crate::export::PublishedWeek, AppError> {
    let week = app::rota::parse_week(&query.week)?;
    let published = crate::export::published_week(state, actor, package.into(), week).await?;
    super::exports::audit_export(
        state,
        actor,
        "rota.export",
        serde_json::json!({ "package_id": package, "week": published.loaded.week_start, "format": format }),
    )
    .await?;
    Ok(published)
}

/// `GET /api/v1/rota/{package_id}/week.xlsx?week=…`: the week as published, as a
/// spreadsheet (the grid, and one row per carer per shift).
pub async fn export_week(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    PathId(package): PathId,
    QueryParams(query): QueryParams<WeekQuery>,
) -> Result<Response, AppError> {
    let actor = Actor::user(&user, &meta);
    let crate::export::PublishedWeek {
        loaded,
        days,
        slots,
    } = published(&state, &actor, package, &query, "xlsx").await?;
    let title = format!(
        "{} — week of {} (as published)",
        loaded.package.name, loaded.week_label
    );
    let bytes =
        tokio::task::spawn_blocking(move || crate::export::rota_week(&title, &days, &slots))
            .await
            .map_err(|_| AppError::Internal)?
            .map_err(|error| {
                tracing::error!(%error, "the rota spreadsheet could not be written");
                AppError::Internal
            })?;
    let slug = slug(&loaded.package.name);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"rota-{slug}-{}.xlsx\"",
                    loaded.week_start
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A file-name-safe form of a package's name.
fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// `GET /api/v1/rota/{package_id}/week.csv?week=…`: the week as published, one row per
/// carer per shift (a shift nobody is on has one row with no carer), like the
/// spreadsheet's payroll sheet.
pub async fn export_week_csv(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    PathId(package): PathId,
    QueryParams(query): QueryParams<WeekQuery>,
) -> Result<Response, AppError> {
    let actor = Actor::user(&user, &meta);
    let crate::export::PublishedWeek { loaded, slots, .. } =
        published(&state, &actor, package, &query, "csv").await?;
    let mut csv = app::csv::line([
        "package",
        "date",
        "shift",
        "times",
        "unpaid_break_minutes",
        "paid_hours",
        "headcount",
        "carer",
    ]);
    for slot in &slots {
        let carers: Vec<&str> = if slot.carers.is_empty() {
            vec![""]
        } else {
            slot.carers.iter().map(String::as_str).collect()
        };
        for carer in carers {
            csv.push_str(&app::csv::line([
                loaded.package.name.clone(),
                slot.date.clone(),
                if slot.night { "Night" } else { "Day" }.to_owned(),
                slot.times.clone(),
                slot.break_minutes.to_string(),
                format!("{:.2}", slot.hours),
                slot.headcount.to_string(),
                carer.to_owned(),
            ]));
        }
    }
    Ok(super::exports::csv_attachment(
        &format!("rota-{}-{}", slug(&loaded.package.name), loaded.week_start),
        axum::body::Body::from(csv),
    ))
}

#[derive(Deserialize)]
pub struct OptionalWeek {
    #[serde(default)]
    week: String,
}

/// The Monday named by `week`, or this week's when it is left out.
fn week_or_this(week: &str) -> Result<Date, AppError> {
    if week.trim().is_empty() {
        Ok(caretrack::days::week_of(OffsetDateTime::now_utc()))
    } else {
        app::rota::parse_week(week)
    }
}

/// `GET /api/v1/rota/{package_id}?week=…`: the week as the editor loads it.
pub async fn week(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    PathId(package): PathId,
    QueryParams(query): QueryParams<OptionalWeek>,
) -> Result<Json<RotaWeek>, AppError> {
    let actor = Actor::user(&user, &meta);
    let week = week_or_this(&query.week)?;
    Ok(Json(
        rota_week::load_week(&state, &actor, package.into(), week).await?,
    ))
}

#[derive(Deserialize)]
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
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    PathId(package): PathId,
    JsonBody(body): JsonBody<DraftBody>,
) -> Result<Json<SavedDraft>, AppError> {
    let actor = Actor::user(&user, &meta);
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

#[derive(Deserialize)]
pub struct PublishBody {
    week: String,
    revision: i64,
    #[serde(default)]
    overrides: Vec<Override>,
}

/// `POST /api/v1/rota/{package_id}/publish`: publishes the saved draft of the week.
pub async fn publish(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    PathId(package): PathId,
    JsonBody(body): JsonBody<PublishBody>,
) -> Result<Json<Published>, AppError> {
    let actor = Actor::user(&user, &meta);
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
    Extension(meta): Extension<RequestMeta>,
    SignedIn(user): SignedIn,
    PathId(package): PathId,
    JsonBody(form): JsonBody<SlotForm>,
) -> Result<Json<serde_json::Value>, AppError> {
    let actor = Actor::user(&user, &meta);
    let (plan, moved) = slots::save_slot_plan(&state, &actor, package.into(), &form).await?;
    Ok(Json(
        serde_json::json!({ "slots": plan.form(), "shifts_moved": moved }),
    ))
}
