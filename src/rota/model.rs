//! What the engine is given: carers, packages, shifts and settings, as they arrive on
//! the wire (`POST /api/v1/rota/check`, the editor, the server's save), and what is
//! wrong with an input it cannot work with. `super::indexed` builds the checked
//! [`super::Rota`] from it.

use super::RuleSettings;
use crate::{
    closed_set::closed_set,
    ids::{CarePackageId, ShiftId, TaskId, UserId},
};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

closed_set! {
    /// The kind of a shift, derived from its times unless an admin chose it.
    pub enum ShiftKind: "shift type" {
        Day = "DAY", "Day";
        Night = "NIGHT", "Night";
    }
}

/// A carer's written opt-out of the 48-hour average (WTR reg. 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct OptOut {
    #[serde(with = "crate::days::wire")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::Date"))]
    pub from: Date,
    /// The last day it is in force (none: until withdrawn).
    #[serde(
        default,
        with = "crate::days::wire::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<crate::schema::Date>"))]
    pub to: Option<Date>,
}

impl OptOut {
    /// In force on every day from `first` to `last`.
    pub fn covers(self, first: Date, last: Date) -> bool {
        self.from <= first && self.to.is_none_or(|to| to >= last)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(rename = "RotaCarer")
)]
pub struct Carer {
    pub id: UserId,
    /// Needed for the young-worker rules; none: treated as an adult.
    #[serde(
        default,
        with = "crate::days::wire::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<crate::schema::Date>"))]
    pub date_of_birth: Option<Date>,
    /// Contracted weekly hours; none: the organisation's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_hours_limit: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opt_out: Option<OptOut>,
    /// Recorded as a night worker (or not); none: derived from their shifts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub night_worker: Option<bool>,
    /// Employed for less than the reference period: averages run from this day.
    #[serde(
        default,
        with = "crate::days::wire::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<crate::schema::Date>"))]
    pub employed_from: Option<Date>,
    /// Tasks with a confirmed (effective) rating of COMPETENT or above.
    #[serde(default)]
    pub competent_task_ids: Vec<TaskId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(rename = "RotaPackage")
)]
pub struct Package {
    pub id: CarePackageId,
    /// The package's tasks: a competent carer is competent in all of them.
    #[serde(default)]
    pub task_ids: Vec<TaskId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(rename = "RotaShift")
)]
pub struct Shift {
    pub id: ShiftId,
    pub package_id: CarePackageId,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::DateTime"))]
    pub start: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "schemars", schemars(with = "crate::schema::DateTime"))]
    pub end: OffsetDateTime,
    #[serde(default)]
    pub carer_ids: Vec<UserId>,
    /// DAY or NIGHT; none: derived from the times (see [`ShiftKind::of_times`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ShiftKind>,
    /// The unpaid break planned into the shift; it is not working time.
    #[serde(default)]
    pub break_minutes: u32,
}

/// Everything one validation needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct RotaInput {
    pub carers: Vec<Carer>,
    pub packages: Vec<Package>,
    pub shifts: Vec<Shift>,
    #[serde(default)]
    pub settings: RuleSettings,
    /// The first day being planned. Shifts before it are history: they count towards
    /// averages and rests, but a breach made only of history is not reported again.
    #[serde(
        default,
        with = "crate::days::wire::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<crate::schema::Date>"))]
    pub planning_from: Option<Date>,
}

/// Input the engine cannot work with.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RotaError {
    #[error("shift {0} ends before it starts")]
    EndsBeforeStart(ShiftId),
    #[error("shift {0} is longer than 24 hours")]
    TooLong(ShiftId),
    #[error("shift {0} has a break as long as the shift")]
    BreakTooLong(ShiftId),
    #[error("shift {0} is for package {1}, which is not in the input")]
    UnknownPackage(ShiftId, CarePackageId),
    #[error("shift {0} names carer {1}, who is not in the input")]
    UnknownCarer(ShiftId, UserId),
    #[error("carer {1} is on shift {0} twice")]
    CarerTwice(ShiftId, UserId),
    #[error("{0} appears twice")]
    Duplicate(String),
    #[error("carer {0} has a weekly hours limit outside 0–168")]
    BadHoursLimit(UserId),
    #[error("the input has more than {max} {what}")]
    TooMany { what: &'static str, max: usize },
    #[error("the settings are not allowed: {0}")]
    Settings(String),
    #[error("dates must fall between 2000 and 2100")]
    OutOfRange,
}

impl RotaError {
    /// The part of the input at fault, for an error that names its field.
    pub fn field(&self) -> &'static str {
        match self {
            RotaError::EndsBeforeStart(_)
            | RotaError::TooLong(_)
            | RotaError::BreakTooLong(_)
            | RotaError::UnknownPackage(..)
            | RotaError::UnknownCarer(..)
            | RotaError::CarerTwice(..)
            | RotaError::OutOfRange => "shifts",
            RotaError::BadHoursLimit(_) => "carers",
            RotaError::Settings(_) => "settings",
            RotaError::Duplicate(_) | RotaError::TooMany { .. } => "body",
        }
    }
}
