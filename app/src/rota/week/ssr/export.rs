//! A published week as the exports read it (the spreadsheet, the CSV and the PDF rota):
//! each slot with its times, paid hours and who was on it, as carers were last told.

use crate::{audit::Actor, error::AppError, rota::week::api::RotaWeek, state::AppState};
use caretrack::ids::CarePackageId;
use time::Date;

/// One slot of the week, as published.
pub struct ExportSlot {
    /// Monday = 0.
    pub weekday: u8,
    pub night: bool,
    /// "Mon 23 Nov 2026".
    pub date: String,
    /// "08:00–20:00".
    pub times: String,
    pub break_minutes: i32,
    pub headcount: i32,
    /// Paid hours: the shift's length less its unpaid break.
    pub hours: f64,
    pub carers: Vec<String>,
}

/// A package's week as carers were last told it: the spreadsheet and the PDF rota.
pub struct PublishedWeek {
    pub loaded: RotaWeek,
    /// The seven day headings, Monday first.
    pub days: Vec<String>,
    pub slots: Vec<ExportSlot>,
}

#[tracing::instrument(skip_all)]
pub async fn published_week(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    week: Date,
) -> Result<PublishedWeek, AppError> {
    let loaded = super::load_week(state, actor, package, week).await?;
    let people: Vec<sqlx::types::Uuid> = loaded
        .published
        .iter()
        .flat_map(|a| a.carer_ids.iter().map(|c| c.into_uuid()))
        .collect();
    let names = sqlx::query!(
        r#"select id, person_name(id) as "name!" from users where id = any($1)"#,
        &people
    )
    .fetch_all(&state.db)
    .await?;
    let shift_ids: Vec<sqlx::types::Uuid> = loaded
        .slots
        .iter()
        .map(|s| s.shift_id.into_uuid())
        .collect();
    let shifts = sqlx::query!(
        r#"select id, break_minutes,
                  extract(epoch from ends_at - starts_at)::float8 / 3600 as "hours!"
             from shifts where id = any($1)"#,
        &shift_ids
    )
    .fetch_all(&state.db)
    .await?;
    let slots: Vec<ExportSlot> = loaded
        .slots
        .iter()
        .zip(&loaded.published)
        .map(|(slot, published)| {
            let shift = shifts.iter().find(|b| b.id == slot.shift_id.into_uuid());
            let break_minutes = shift.map_or(0, |b| b.break_minutes);
            ExportSlot {
                weekday: slot.weekday,
                night: slot.kind == caretrack::rota::ShiftKind::Night,
                date: slot.day_label.clone(),
                times: slot.times.clone(),
                break_minutes,
                headcount: slot.headcount,
                hours: shift.map_or(0.0, |s| s.hours - f64::from(break_minutes) / 60.0),
                carers: published
                    .carer_ids
                    .iter()
                    .filter_map(|c| names.iter().find(|n| n.id == c.into_uuid()))
                    .map(|n| n.name.clone())
                    .collect(),
            }
        })
        .collect();
    let days: Vec<String> = loaded
        .slots
        .iter()
        .filter(|s| s.kind == caretrack::rota::ShiftKind::Day)
        .map(|s| s.day_label.clone())
        .collect();
    Ok(PublishedWeek {
        loaded,
        days,
        slots,
    })
}
