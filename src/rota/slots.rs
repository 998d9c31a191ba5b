//! A package's rota slots: the London times of its DAY and NIGHT shifts, the unpaid
//! break planned into each and how many carers each needs. Checked here so the settings
//! form in the browser and the server refuse the same things.

use crate::validation::ValidationError;
use serde::{Deserialize, Serialize};
use time::{Time, macros::format_description};

/// The most carers one slot may need.
pub const MAX_HEADCOUNT: u32 = 10;
/// The longest break a slot may plan (the database agrees).
pub const MAX_BREAK_MINUTES: u32 = 180;

/// One slot's times (London wall clock; an end at or before the start is the next day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotTime {
    pub starts: Time,
    pub ends: Time,
    pub break_minutes: u32,
    pub headcount: u32,
}

impl SlotTime {
    /// The slot's length on the wall clock, in minutes (the day it crosses into is
    /// taken as 24 h: a DST night is an hour longer or shorter in fact).
    pub fn minutes(&self) -> u32 {
        let minutes = |t: Time| u32::from(t.hour()) * 60 + u32::from(t.minute());
        let (start, end) = (minutes(self.starts), minutes(self.ends));
        if end > start {
            end - start
        } else {
            end + 24 * 60 - start
        }
    }
}

/// The form as typed (a field left out is empty, and refused by name).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(rename = "SlotPlan")
)]
#[serde(default)]
pub struct SlotForm {
    pub day_starts: String,
    pub day_ends: String,
    pub day_break_minutes: String,
    pub day_headcount: String,
    pub night_starts: String,
    pub night_ends: String,
    pub night_break_minutes: String,
    pub night_headcount: String,
}

/// Both slots, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotPlan {
    pub day: SlotTime,
    pub night: SlotTime,
}

impl Default for SlotPlan {
    fn default() -> Self {
        let at = |h| Time::from_hms(h, 0, 0).expect("a valid hour");
        SlotPlan {
            day: SlotTime {
                starts: at(8),
                ends: at(20),
                break_minutes: 30,
                headcount: 1,
            },
            night: SlotTime {
                starts: at(20),
                ends: at(8),
                break_minutes: 30,
                headcount: 1,
            },
        }
    }
}

fn time(raw: &str, field: &'static str) -> Result<Time, ValidationError> {
    let raw = raw.trim();
    Time::parse(raw, format_description!("[hour]:[minute]"))
        .or_else(|_| Time::parse(raw, format_description!("[hour]:[minute]:[second]")))
        .map_err(|_| ValidationError::new(field, "Enter a time such as 08:00."))
}

fn number(
    raw: &str,
    field: &'static str,
    min: u32,
    max: u32,
    what: &str,
) -> Result<u32, ValidationError> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            ValidationError::new(
                field,
                format!("{what} must be a whole number from {min} to {max}."),
            )
        })
}

impl SlotPlan {
    pub fn parse(form: &SlotForm) -> Result<SlotPlan, ValidationError> {
        let slot = |prefix: &str,
                    starts: (&str, &'static str),
                    ends: (&str, &'static str),
                    rest: (&str, &'static str),
                    headcount: (&str, &'static str)| {
            let slot = SlotTime {
                starts: time(starts.0, starts.1)?,
                ends: time(ends.0, ends.1)?,
                break_minutes: number(rest.0, rest.1, 0, MAX_BREAK_MINUTES, "The break")?,
                headcount: number(
                    headcount.0,
                    headcount.1,
                    1,
                    MAX_HEADCOUNT,
                    "The number of carers",
                )?,
            };
            if slot.starts == slot.ends {
                return Err(ValidationError::new(
                    ends.1,
                    format!("The {prefix} shift must end at another time than it starts."),
                ));
            }
            // 23 h at most: in the week the clocks go back a longer slot would pass
            // the 24 hours a shift may last.
            if slot.minutes() > 23 * 60 {
                return Err(ValidationError::new(
                    ends.1,
                    format!("The {prefix} shift may last at most 23 hours."),
                ));
            }
            if slot.break_minutes >= slot.minutes() {
                return Err(ValidationError::new(
                    rest.1,
                    format!(
                        "The break must be shorter than the {prefix} shift ({} minutes).",
                        slot.minutes()
                    ),
                ));
            }
            Ok(slot)
        };
        Ok(SlotPlan {
            day: slot(
                "day",
                (&form.day_starts, "day_starts"),
                (&form.day_ends, "day_ends"),
                (&form.day_break_minutes, "day_break_minutes"),
                (&form.day_headcount, "day_headcount"),
            )?,
            night: slot(
                "night",
                (&form.night_starts, "night_starts"),
                (&form.night_ends, "night_ends"),
                (&form.night_break_minutes, "night_break_minutes"),
                (&form.night_headcount, "night_headcount"),
            )?,
        })
    }

    /// The plan as the form shows it.
    pub fn form(&self) -> SlotForm {
        let hhmm = |t: Time| format!("{:02}:{:02}", t.hour(), t.minute());
        SlotForm {
            day_starts: hhmm(self.day.starts),
            day_ends: hhmm(self.day.ends),
            day_break_minutes: self.day.break_minutes.to_string(),
            day_headcount: self.day.headcount.to_string(),
            night_starts: hhmm(self.night.starts),
            night_ends: hhmm(self.night.ends),
            night_break_minutes: self.night.break_minutes.to_string(),
            night_headcount: self.night.headcount.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_round_trip_through_the_form() {
        let plan = SlotPlan::default();
        assert_eq!(SlotPlan::parse(&plan.form()), Ok(plan));
        assert_eq!(plan.night.minutes(), 12 * 60, "20:00 to 08:00 the next day");
    }

    #[test]
    fn a_break_as_long_as_the_shift_is_refused_by_name() {
        let mut form = SlotPlan::default().form();
        form.day_starts = "09:00".into();
        form.day_ends = "10:00".into();
        form.day_break_minutes = "60".into();
        let err = SlotPlan::parse(&form).unwrap_err();
        assert_eq!(err.field, "day_break_minutes");
        assert!(err.message.contains("60 minutes"), "{}", err.message);
        form.day_break_minutes = "59".into();
        assert!(SlotPlan::parse(&form).is_ok());
    }

    #[test]
    fn bad_times_and_numbers_name_their_field() {
        let mut form = SlotPlan::default().form();
        form.night_starts = "25:00".into();
        assert_eq!(SlotPlan::parse(&form).unwrap_err().field, "night_starts");
        let mut form = SlotPlan::default().form();
        form.night_ends = form.night_starts.clone();
        assert_eq!(SlotPlan::parse(&form).unwrap_err().field, "night_ends");
        let mut form = SlotPlan::default().form();
        form.day_headcount = "0".into();
        assert_eq!(SlotPlan::parse(&form).unwrap_err().field, "day_headcount");
        form.day_headcount = "11".into();
        assert_eq!(SlotPlan::parse(&form).unwrap_err().field, "day_headcount");
    }
}
