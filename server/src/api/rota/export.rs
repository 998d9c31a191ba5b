//! A published week as a spreadsheet (`week.xlsx`) or CSV (`week.csv`).

use crate::api::extract::Acting;
use crate::api::extract::{PathId, QueryParams};
use app::{audit::Actor, error::AppError, state::AppState};
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct WeekQuery {
    week: String,
}

/// The week an export asks for, as carers were told it. Every export of it is audited
/// (`rota.export`, with the format): it names who worked when.
pub(super) async fn published(
    state: &AppState,
    actor: &Actor,
    package: sqlx::types::Uuid,
    query: &WeekQuery,
    format: &'static str,
) -> Result<app::rota::week::ssr::PublishedWeek, AppError> {
    let week = app::rota::parse_week(&query.week)?;
    let published =
        app::rota::week::ssr::published_week(state, actor, package.into(), week).await?;
    crate::api::exports::audit_export(
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
    Acting { actor, .. }: Acting,
    PathId(package): PathId,
    QueryParams(query): QueryParams<WeekQuery>,
) -> Result<Response, AppError> {
    let app::rota::week::ssr::PublishedWeek {
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
pub(super) fn slug(name: &str) -> String {
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
    Acting { actor, .. }: Acting,
    PathId(package): PathId,
    QueryParams(query): QueryParams<WeekQuery>,
) -> Result<Response, AppError> {
    let app::rota::week::ssr::PublishedWeek { loaded, slots, .. } =
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
    Ok(crate::api::exports::csv_attachment(
        &format!("rota-{}-{}", slug(&loaded.package.name), loaded.week_start),
        axum::body::Body::from(csv),
    ))
}
