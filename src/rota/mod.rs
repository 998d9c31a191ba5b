//! The rota rules engine: SPEC §4's fourteen rules — the provider's eight and the UK
//! Working Time Regulations' six — as one pure function.
//!
//! The same code validates a rota in the browser while a manager drags carers about
//! (compiled to WASM, through the incremental [`Checker`]) and on the server when the
//! rota is saved or published, or checked through `POST /api/v1/rota/check`. The server
//! is authoritative; the two can only disagree if they were given different input.
//!
//! Flow: [`RotaInput`] (wire shape) → [`Rota::new`] (checked, indexed; times become
//! Unix seconds and London days/weeks are worked out once) → [`Rota::validate`] or
//! [`Checker`] → [`Violation`]s, each with the rule, severity, carer, shifts, a
//! plain-English message and the numbers behind it.

mod calendar;
mod check;
mod cover;
mod indexed;
mod model;
mod parameters;
mod provider;
mod rules;
pub mod sample;
mod slots;
mod violation;
mod wtr;

pub use check::{Change, ChangeError, Checker, validate_rota};
pub use cover::Candidate;
pub use indexed::{MAX_CARERS, MAX_PACKAGES, MAX_SHIFTS, Rota};
pub use model::{Carer, OptOut, Package, RotaError, RotaInput, Shift, ShiftKind};
pub use parameters::{
    ConsecutiveNights, ContractedHours, DailyRest, NightToDayRest, NightWork, RestBreak, Switch,
    WeeklyAverage, WeeklyRest, YoungWorkerLimits,
};
pub use rules::{RuleId, RuleSettings, SettingsError, Severity};
pub use slots::{MAX_BREAK_MINUTES, MAX_HEADCOUNT, SlotForm, SlotPlan, SlotTime};
pub use violation::{Details, Report, Violation, sort_violations, touching};

#[cfg(test)]
mod tests;
