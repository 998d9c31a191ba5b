//! A carer's own rota over REST, and the calendar feed a phone's calendar subscribes to.

use crate::api::{SignedIn, extract::QueryParams};
use app::{
    error::AppError,
    rota::carer_rota::{api::MyShift, ssr as carer_rota},
    state::AppState,
};
use axum::{
    Json,
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};
use caretrack::london;
use serde::Deserialize;
use time::{Date, Duration, OffsetDateTime};

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
pub(super) const MAX_RANGE_DAYS: i64 = 26 * 7;

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
