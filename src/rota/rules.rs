//! The fourteen rules (SPEC §4) and an organisation's settings of them: each rule's
//! switch and parameters (the structs are in `parameters`).
//!
//! The parameter structs have the same JSON shape as the `rule_settings.parameters`
//! column, so the server reads a row straight into them. The statutory rules (UK Working
//! Time Regulations 1998) can be made stricter but never laxer than the law, and never
//! switched off: [`RuleSettings::check`] refuses both.

use super::parameters::{
    ConsecutiveNights, ContractedHours, DailyRest, NightToDayRest, NightWork, RestBreak, Switch,
    WeeklyAverage, WeeklyRest, YoungWorkerLimits,
};
use crate::closed_set::closed_set;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

closed_set! {
    /// A rule of the rota engine: provider rules 1–8, then the Working Time Regulations.
    #[derive(PartialOrd, Ord)]
    pub enum RuleId: "rota rule" {
        CompetentOnEveryShift = "competent_on_every_shift", "A competent carer on every shift";
        SupervisedNonCompetent = "supervised_non_competent", "Non-competent carers are supervised";
        MaxContractedHours = "max_contracted_hours", "Contracted weekly hours";
        RotationPattern = "rotation_pattern", "Day weeks and night weeks alternate";
        NoConsecutiveWeekends = "no_consecutive_weekends", "No two weekends in a row";
        ConsecutiveNights = "consecutive_nights", "Consecutive nights";
        NightToDayRest = "night_to_day_rest", "Rest before switching from nights to days";
        NoDoubleBooking = "no_double_booking", "No double booking";
        WtrWeeklyAverage = "wtr_weekly_average", "48-hour average week (WTR reg. 4)";
        WtrDailyRest = "wtr_daily_rest", "Daily rest (WTR reg. 10)";
        WtrWeeklyRest = "wtr_weekly_rest", "Weekly rest (WTR reg. 11)";
        WtrRestBreak = "wtr_rest_break", "Rest break during the working day (WTR reg. 12)";
        WtrNightWork = "wtr_night_work", "Night workers' average hours (WTR reg. 6)";
        WtrYoungWorkerLimits = "wtr_young_worker_limits", "Young workers' daily and weekly limits (WTR reg. 5A)";
    }
}

closed_set! {
    /// Whether a violation blocks publishing (ERROR) or only needs a reason (WARNING).
    pub enum Severity: "rule severity" {
        Error = "ERROR", "Error";
        Warning = "WARNING", "Warning";
    }
}

impl RuleId {
    /// A rule of the Working Time Regulations: it cannot be switched off.
    pub const fn statutory(self) -> bool {
        matches!(
            self,
            RuleId::WtrWeeklyAverage
                | RuleId::WtrDailyRest
                | RuleId::WtrWeeklyRest
                | RuleId::WtrRestBreak
                | RuleId::WtrNightWork
                | RuleId::WtrYoungWorkerLimits
        )
    }

    /// The switches an organisation starts with (the same as the seeded table).
    pub const fn default_switch(self) -> Switch {
        use Severity::{Error, Warning};
        let (severity, overridable, enabled) = match self {
            RuleId::CompetentOnEveryShift | RuleId::SupervisedNonCompetent => (Error, false, true),
            RuleId::RotationPattern => (Warning, true, false),
            RuleId::MaxContractedHours
            | RuleId::NoConsecutiveWeekends
            | RuleId::ConsecutiveNights
            | RuleId::NightToDayRest
            | RuleId::WtrRestBreak => (Warning, true, true),
            RuleId::NoDoubleBooking
            | RuleId::WtrWeeklyAverage
            | RuleId::WtrDailyRest
            | RuleId::WtrWeeklyRest
            | RuleId::WtrNightWork
            | RuleId::WtrYoungWorkerLimits => (Error, false, true),
        };
        Switch {
            enabled,
            severity,
            overridable,
        }
    }

    /// Whether the law lets an employer accept a breach of this rule with a reason.
    ///
    /// Care is a "special case" (WTR reg. 21(c)): daily rest, weekly rest, rest breaks
    /// and the night-work limit may be varied for adults if compensatory rest is given
    /// (reg. 24). The 48-hour average is lifted only by an opt-out, never by an override,
    /// and young workers' protections have no such exception.
    pub const fn law_allows_override(self, young_worker: bool) -> bool {
        match self {
            RuleId::WtrDailyRest
            | RuleId::WtrWeeklyRest
            | RuleId::WtrRestBreak
            | RuleId::WtrNightWork => !young_worker,
            RuleId::WtrWeeklyAverage | RuleId::WtrYoungWorkerLimits => false,
            _ => true,
        }
    }

    /// Why the rule exists, in words a care manager would use.
    pub const fn explanation(self) -> &'static str {
        match self {
            RuleId::CompetentOnEveryShift => {
                "Every staffed shift needs at least one carer whose confirmed ratings make them competent in all of the package's tasks."
            }
            RuleId::SupervisedNonCompetent => {
                "A carer who is not yet competent in the package's tasks may only work alongside a competent carer."
            }
            RuleId::MaxContractedHours => {
                "A carer should not be rostered beyond their contracted weekly hours (Monday to Sunday)."
            }
            RuleId::RotationPattern => {
                "Carers alternate between weeks of day shifts and weeks of night shifts, never mixing the two in one week."
            }
            RuleId::NoConsecutiveWeekends => {
                "No carer works two weekends in a row (a shift starting on a Saturday or Sunday counts)."
            }
            RuleId::ConsecutiveNights => {
                "Limits runs of night shifts on consecutive days, as the organisation sets."
            }
            RuleId::NightToDayRest => {
                "Switching from nights to days needs whole days of rest between the last night and the first day."
            }
            RuleId::NoDoubleBooking => "A carer cannot be on two shifts that overlap in time.",
            RuleId::WtrWeeklyAverage => {
                "Working time may not exceed an average of 48 hours a week over the reference period, unless the worker has signed an opt-out."
            }
            RuleId::WtrDailyRest => {
                "Workers are entitled to 11 consecutive hours of rest in each 24 hours they work (12 hours for under-18s)."
            }
            RuleId::WtrWeeklyRest => {
                "Workers are entitled to 24 hours' uninterrupted rest each week, or 48 hours each fortnight (48 hours each week for under-18s)."
            }
            RuleId::WtrRestBreak => {
                "A working day over 6 hours needs a 20-minute break (over 4.5 hours: 30 minutes for under-18s); plan it into the shift."
            }
            RuleId::WtrNightWork => {
                "A night worker's hours may not exceed an average of 8 in each 24 hours over the reference period."
            }
            RuleId::WtrYoungWorkerLimits => {
                "Workers under 18 may work at most 8 hours a day and 40 hours a week, with no averaging and no opt-out."
            }
        }
    }
}

/// An organisation's rule settings. Every part is optional on the wire: what is left
/// out keeps its default (the law's figure for statutory rules).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct RuleSettings {
    /// Switches that differ from [`RuleId::default_switch`].
    pub switches: BTreeMap<RuleId, Switch>,
    pub max_contracted_hours: ContractedHours,
    pub consecutive_nights: ConsecutiveNights,
    pub night_to_day_rest: NightToDayRest,
    pub wtr_weekly_average: WeeklyAverage,
    pub wtr_daily_rest: DailyRest,
    pub wtr_weekly_rest: WeeklyRest,
    pub wtr_rest_break: RestBreak,
    pub wtr_night_work: NightWork,
    pub wtr_young_worker_limits: YoungWorkerLimits,
}

/// A setting the engine refuses, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{rule}: {message}")]
pub struct SettingsError {
    pub rule: RuleId,
    pub message: String,
}

impl RuleSettings {
    /// The switch in force for `rule`. A statutory rule is always enabled, whatever
    /// was stored.
    pub fn switch(&self, rule: RuleId) -> Switch {
        let mut switch = self
            .switches
            .get(&rule)
            .copied()
            .unwrap_or(rule.default_switch());
        if rule.statutory() {
            switch.enabled = true;
        }
        switch
    }

    /// The reference period of the night-work average, in weeks.
    pub fn night_reference_weeks(&self) -> u32 {
        self.wtr_night_work
            .reference_weeks
            .unwrap_or(self.wtr_weekly_average.reference_weeks)
    }

    /// Every reason these settings cannot be used: a statutory rule switched off or set
    /// laxer than the law, an unknown rule, or a figure out of range.
    pub fn check(&self) -> Vec<SettingsError> {
        let mut errors = Vec::new();
        let mut refuse =
            |rule: RuleId, message: String| errors.push(SettingsError { rule, message });
        for (&rule, switch) in &self.switches {
            if rule.statutory() && !switch.enabled {
                refuse(
                    rule,
                    "a Working Time Regulations rule cannot be switched off".into(),
                );
            }
            if switch.overridable && !rule.law_allows_override(false) {
                refuse(rule, "the law allows no override of this rule".into());
            }
        }
        let at_most = |value: f64, limit: f64, what: &str| {
            (!(value > 0.0 && value <= limit)).then(|| {
                format!("{what} must be more than 0 and at most {limit} (the law's limit)")
            })
        };
        let at_least = |value: f64, floor: f64, ceiling: f64, what: &str| {
            (!(value >= floor && value <= ceiling)).then(|| {
                format!("{what} must be at least {floor} (the law's minimum) and at most {ceiling}")
            })
        };
        let checks = [
            (
                RuleId::MaxContractedHours,
                (!(self.max_contracted_hours.default_weekly_hours > 0.0
                    && self.max_contracted_hours.default_weekly_hours <= 168.0))
                    .then(|| "the default weekly hours must be between 0 and 168".to_owned()),
            ),
            (
                RuleId::ConsecutiveNights,
                (self.consecutive_nights.max_run == Some(0))
                    .then(|| "the longest run of nights must be at least 1".to_owned()),
            ),
            (
                RuleId::NightToDayRest,
                (self.night_to_day_rest.rest_days > 14).then(|| {
                    "the rest before switching to days must be at most 14 days".to_owned()
                }),
            ),
            (
                RuleId::WtrWeeklyAverage,
                at_most(
                    self.wtr_weekly_average.max_hours,
                    48.0,
                    "the average weekly hours",
                ),
            ),
            (
                RuleId::WtrWeeklyAverage,
                (!(1..=52).contains(&self.wtr_weekly_average.reference_weeks))
                    .then(|| "the reference period must be 1 to 52 weeks".to_owned()),
            ),
            (
                RuleId::WtrNightWork,
                self.wtr_night_work
                    .reference_weeks
                    .filter(|weeks| !(1..=52).contains(weeks))
                    .map(|_| "the reference period must be 1 to 52 weeks".to_owned()),
            ),
            (
                RuleId::WtrDailyRest,
                at_least(
                    self.wtr_daily_rest.adult_hours,
                    11.0,
                    24.0,
                    "adults' daily rest",
                ),
            ),
            (
                RuleId::WtrDailyRest,
                at_least(
                    self.wtr_daily_rest.young_hours,
                    12.0,
                    24.0,
                    "under-18s' daily rest",
                ),
            ),
            (
                RuleId::WtrWeeklyRest,
                at_least(
                    self.wtr_weekly_rest.adult_hours_per_7_days,
                    24.0,
                    168.0,
                    "adults' weekly rest",
                ),
            ),
            (
                RuleId::WtrWeeklyRest,
                at_least(
                    self.wtr_weekly_rest.adult_hours_per_14_days,
                    48.0,
                    336.0,
                    "adults' fortnightly rest",
                ),
            ),
            (
                RuleId::WtrWeeklyRest,
                at_least(
                    self.wtr_weekly_rest.young_hours_per_7_days,
                    48.0,
                    168.0,
                    "under-18s' weekly rest",
                ),
            ),
            (
                RuleId::WtrRestBreak,
                at_most(
                    self.wtr_rest_break.adult_after_hours,
                    6.0,
                    "the hours before adults need a break",
                ),
            ),
            (
                RuleId::WtrRestBreak,
                at_most(
                    self.wtr_rest_break.young_after_hours,
                    4.5,
                    "the hours before under-18s need a break",
                ),
            ),
            (
                RuleId::WtrRestBreak,
                at_least(
                    f64::from(self.wtr_rest_break.adult_break_minutes),
                    20.0,
                    120.0,
                    "adults' break (minutes)",
                ),
            ),
            (
                RuleId::WtrRestBreak,
                at_least(
                    f64::from(self.wtr_rest_break.young_break_minutes),
                    30.0,
                    120.0,
                    "under-18s' break (minutes)",
                ),
            ),
            (
                RuleId::WtrNightWork,
                at_most(
                    self.wtr_night_work.max_average_hours_per_24,
                    8.0,
                    "night workers' average hours per 24",
                ),
            ),
            (
                RuleId::WtrYoungWorkerLimits,
                at_most(
                    self.wtr_young_worker_limits.max_daily_hours,
                    8.0,
                    "under-18s' daily hours",
                ),
            ),
            (
                RuleId::WtrYoungWorkerLimits,
                at_most(
                    self.wtr_young_worker_limits.max_weekly_hours,
                    40.0,
                    "under-18s' weekly hours",
                ),
            ),
        ];
        for (rule, message) in checks {
            if let Some(message) = message {
                refuse(rule, message);
            }
        }
        errors
    }
}
