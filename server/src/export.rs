//! Spreadsheet exports (xlsx, through rust_xlsxwriter). The rota's week: a grid sheet
//! laid out like the editor, and a sheet with one row per carer per shift for payroll.

use app::{audit::Actor, error::AppError, rota::week::api::RotaWeek, state::AppState};
use caretrack::ids::CarePackageId;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};
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

pub async fn published_week(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    week: Date,
) -> Result<PublishedWeek, AppError> {
    let loaded = app::rota::week::ssr::load_week(state, actor, package, week).await?;
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

/// The workbook's bytes.
pub fn rota_week(title: &str, days: &[String], slots: &[ExportSlot]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let grid = book.add_worksheet().set_name("Rota")?;
    grid.write_string_with_format(0, 0, title, &bold)?;
    grid.set_column_width(0, 10)?;
    for (i, day) in days.iter().enumerate() {
        let column = u16::try_from(i + 1).unwrap_or(u16::MAX);
        grid.write_string_with_format(2, column, day, &bold)?;
        grid.set_column_width(column, 22)?;
    }
    for (row, (label, night)) in [(3u32, ("Day", false)), (4u32, ("Night", true))] {
        grid.write_string_with_format(row, 0, label, &bold)?;
        grid.set_row_height(row, 60)?;
        for slot in slots.iter().filter(|s| s.night == night) {
            let mut text = format!("{} ({}/{})", slot.times, slot.carers.len(), slot.headcount);
            for carer in &slot.carers {
                text.push('\n');
                text.push_str(carer);
            }
            grid.write_string_with_format(row, u16::from(slot.weekday) + 1, &text, &wrap)?;
        }
    }

    let list = book.add_worksheet().set_name("Shifts")?;
    let heads = ["Date", "Shift", "Times", "Break (min)", "Carer"];
    for (column, head) in heads.iter().enumerate() {
        list.write_string_with_format(0, u16::try_from(column).unwrap_or(0), *head, &bold)?;
    }
    list.set_column_width(0, 18)?;
    list.set_column_width(2, 14)?;
    list.set_column_width(4, 28)?;
    let mut row = 1u32;
    for slot in slots {
        let kind = if slot.night { "Night" } else { "Day" };
        let carers: Vec<&str> = if slot.carers.is_empty() {
            vec!["(nobody yet)"]
        } else {
            slot.carers.iter().map(String::as_str).collect()
        };
        for carer in carers {
            list.write_string(row, 0, &slot.date)?;
            list.write_string(row, 1, kind)?;
            list.write_string(row, 2, &slot.times)?;
            list.write_number(row, 3, f64::from(slot.break_minutes))?;
            list.write_string(row, 4, carer)?;
            row += 1;
        }
    }
    list.autofilter(0, 0, row.saturating_sub(1).max(1), 4)?;
    book.save_to_buffer()
}
