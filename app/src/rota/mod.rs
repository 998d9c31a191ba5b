//! The rota (SPEC §4): the editor, where a care manager drags carers onto a package's
//! DAY and NIGHT slots and the rules engine checks every drop in the browser; drafts,
//! publishing (the server checks again, and is authoritative); the carer's own rota.

pub mod carer_rota;
pub mod cover;
#[cfg(feature = "ssr")]
pub mod engine;
pub mod rules;
pub mod sender;
pub mod slots;
pub mod week;

pub use carer_rota::MyRotaPage;
pub use rules::RuleSettingsPage;
pub use sender::{AvailableShiftsPage, OpenShiftsPage};
pub use week::RotaPage;

use crate::error::AppError;
use time::{Date, macros::format_description};

/// A week named by its Monday, `YYYY-MM-DD`: any other day is refused.
pub fn parse_week(text: &str) -> Result<Date, AppError> {
    let day = Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| AppError::validation("week", "Choose a week (a date such as 2026-11-02)."))?;
    if !(2000..=2100).contains(&day.year()) {
        return Err(AppError::validation(
            "week",
            "Choose a week between 2000 and 2100.",
        ));
    }
    if day.weekday() != time::Weekday::Monday {
        return Err(AppError::validation(
            "week",
            "A rota week starts on a Monday.",
        ));
    }
    Ok(day)
}

pub fn week_text(week: Date) -> String {
    week.format(format_description!("[year]-[month]-[day]"))
        .expect("dates format")
}

/// The Monday of the London week holding `instant`.
#[cfg(feature = "ssr")]
pub fn week_of(instant: time::OffsetDateTime) -> Date {
    let day = caretrack::london::business_day(instant);
    day - time::Duration::days(i64::from(day.weekday().number_days_from_monday()))
}
