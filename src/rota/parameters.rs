//! Each rule's switch and parameters, with the law's figures as defaults (SPEC §4). The
//! structs have the JSON shape of the `rule_settings.parameters` column; what may be set
//! is checked by [`super::RuleSettings::check`].

use super::Severity;
use serde::{Deserialize, Serialize};

/// Whether a rule runs, how serious its breaches are, and whether they can be accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Switch {
    pub enabled: bool,
    pub severity: Severity,
    pub overridable: bool,
}

/// Rule 3: contracted weekly hours, unless the carer has their own limit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct ContractedHours {
    pub default_weekly_hours: f64,
}

impl Default for ContractedHours {
    fn default() -> Self {
        Self {
            default_weekly_hours: 36.0,
        }
    }
}

/// Rule 6: whether nights may run on consecutive days, and how many at most.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct ConsecutiveNights {
    /// False: no night shift on the day after another.
    pub allowed: Option<bool>,
    /// The longest run of nights on consecutive days (none: no limit).
    pub max_run: Option<u32>,
}

impl ConsecutiveNights {
    /// The longest run of consecutive nights the organisation accepts.
    pub fn longest_run(self) -> Option<u32> {
        if self.allowed == Some(false) {
            Some(1)
        } else {
            self.max_run
        }
    }
}

/// Rule 7: whole days of rest between a night shift and a following day shift.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct NightToDayRest {
    pub rest_days: u32,
}

impl Default for NightToDayRest {
    fn default() -> Self {
        Self { rest_days: 2 }
    }
}

/// Rule 9 (WTR reg. 4).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct WeeklyAverage {
    pub max_hours: f64,
    /// 17 weeks by law; up to 26 for special cases such as care, 52 by agreement.
    pub reference_weeks: u32,
}

impl Default for WeeklyAverage {
    fn default() -> Self {
        Self {
            max_hours: 48.0,
            reference_weeks: 17,
        }
    }
}

/// Rule 10 (WTR regs. 10 and 10(2)).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct DailyRest {
    pub adult_hours: f64,
    pub young_hours: f64,
}

impl Default for DailyRest {
    fn default() -> Self {
        Self {
            adult_hours: 11.0,
            young_hours: 12.0,
        }
    }
}

/// Rule 11 (WTR reg. 11).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct WeeklyRest {
    pub adult_hours_per_7_days: f64,
    pub adult_hours_per_14_days: f64,
    pub young_hours_per_7_days: f64,
}

impl Default for WeeklyRest {
    fn default() -> Self {
        Self {
            adult_hours_per_7_days: 24.0,
            adult_hours_per_14_days: 48.0,
            young_hours_per_7_days: 48.0,
        }
    }
}

/// Rule 12 (WTR reg. 12).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct RestBreak {
    pub adult_after_hours: f64,
    pub adult_break_minutes: u32,
    pub young_after_hours: f64,
    pub young_break_minutes: u32,
}

impl Default for RestBreak {
    fn default() -> Self {
        Self {
            adult_after_hours: 6.0,
            adult_break_minutes: 20,
            young_after_hours: 4.5,
            young_break_minutes: 30,
        }
    }
}

/// Rule 13 (WTR reg. 6).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct NightWork {
    pub max_average_hours_per_24: f64,
    /// The reference period; the 48-hour rule's when absent.
    pub reference_weeks: Option<u32>,
}

impl Default for NightWork {
    fn default() -> Self {
        Self {
            max_average_hours_per_24: 8.0,
            reference_weeks: None,
        }
    }
}

/// Rule 14 (WTR regs. 5A).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct YoungWorkerLimits {
    pub max_daily_hours: f64,
    pub max_weekly_hours: f64,
}

impl Default for YoungWorkerLimits {
    fn default() -> Self {
        Self {
            max_daily_hours: 8.0,
            max_weekly_hours: 40.0,
        }
    }
}
