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
use caretrack::days::{self, WeekError};
use time::Date;

/// A week named by its Monday, `YYYY-MM-DD`: any other day is refused.
pub fn parse_week(text: &str) -> Result<Date, AppError> {
    days::parse_week(text).map_err(|error| {
        let message = match error {
            WeekError::NotADate => "Choose a week (a date such as 2026-11-02).",
            WeekError::OutOfRange => "Choose a week between 2000 and 2100.",
            WeekError::NotAMonday => "A rota week starts on a Monday.",
        };
        AppError::validation("week", message)
    })
}
