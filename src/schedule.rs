//! Cron schedules in Europe/London time, for scheduled background jobs.
//!
//! Five fields — minute, hour, day of month, month, day of week — with `*`, lists
//! (`1,15`), ranges (`1-5`) and steps (`*/15`, `0-30/10`). Day of week is 0–7 (0 and 7
//! are Sunday). As in Vixie cron, when both day fields are restricted a day matches if
//! either does.
//!
//! Daylight saving is handled as people expect: a time repeated when the clocks go back
//! fires once (the first time), and times skipped when the clocks go forward fire once,
//! at the moment of the change. Each fire time is a distinct instant, so "job name + fire
//! time" is a de-duplication key that makes a fire happen exactly once across instances.

use crate::london::{self, LocalTime};
use std::fmt;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

#[derive(Clone, PartialEq, Eq)]
pub struct CronSchedule {
    source: String,
    minutes: u64,
    hours: u32,
    days_of_month: u32,
    months: u16,
    days_of_week: u8,
    day_of_month_restricted: bool,
    day_of_week_restricted: bool,
}

impl fmt::Debug for CronSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CronSchedule({:?})", self.source)
    }
}

impl fmt::Display for CronSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid cron expression {expression:?}: {reason}")]
pub struct CronError {
    pub expression: String,
    pub reason: String,
}

/// How far ahead to look for a matching day (covers "29 February on a Monday").
const SEARCH_DAYS: i64 = 366 * 30;

impl CronSchedule {
    pub fn parse(expression: &str) -> Result<Self, CronError> {
        let fail = |reason: String| CronError {
            expression: expression.to_owned(),
            reason,
        };
        let fields: Vec<&str> = expression.split_whitespace().collect();
        let [minute, hour, dom, month, dow] = fields[..] else {
            return Err(fail(format!(
                "expected 5 fields (minute hour day-of-month month day-of-week), found {}",
                fields.len()
            )));
        };
        let minutes = parse_field(minute, 0, 59, "minute").map_err(fail)?;
        let hours = parse_field(hour, 0, 23, "hour").map_err(fail)?;
        let days_of_month = parse_field(dom, 1, 31, "day of month").map_err(fail)?;
        let months = parse_field(month, 1, 12, "month").map_err(fail)?;
        let mut days_of_week = parse_field(dow, 0, 7, "day of week").map_err(fail)?;
        if days_of_week & (1 << 7) != 0 {
            days_of_week = (days_of_week & !(1 << 7)) | 1; // 7 is Sunday too
        }
        Ok(Self {
            source: fields.join(" "),
            minutes,
            hours: hours as u32,
            days_of_month: days_of_month as u32,
            months: months as u16,
            days_of_week: days_of_week as u8,
            day_of_month_restricted: !dom.starts_with('*'),
            day_of_week_restricted: !dow.starts_with('*'),
        })
    }

    fn matches_day(&self, date: Date) -> bool {
        if self.months & (1 << u8::from(date.month())) == 0 {
            return false;
        }
        let dom = self.days_of_month & (1 << date.day()) != 0;
        let dow = self.days_of_week & (1 << date.weekday().number_days_from_sunday()) != 0;
        match (self.day_of_month_restricted, self.day_of_week_restricted) {
            (true, true) => dom || dow,
            (true, false) => dom,
            (false, true) => dow,
            (false, false) => true,
        }
    }

    /// The first fire time strictly after `after`, or `None` if the schedule never fires
    /// (e.g. "0 0 31 2 *").
    pub fn next_after(&self, after: OffsetDateTime) -> Option<OffsetDateTime> {
        let first_day = london::to_london(after).date();
        (0..SEARCH_DAYS)
            .filter_map(|offset| first_day.checked_add(Duration::days(offset)))
            .filter(|date| self.matches_day(*date))
            .find_map(|date| self.first_fire_on(date, after))
    }

    fn first_fire_on(&self, date: Date, after: OffsetDateTime) -> Option<OffsetDateTime> {
        for hour in (0..24u8).filter(|h| self.hours & (1 << h) != 0) {
            for minute in (0..60u8).filter(|m| self.minutes & (1 << m) != 0) {
                let wall = PrimitiveDateTime::new(date, Time::from_hms(hour, minute, 0).ok()?);
                let fire = match london::from_london(wall) {
                    LocalTime::Single(at) => at,
                    LocalTime::Ambiguous { earlier, .. } => earlier,
                    // Every time in the skipped hour fires once, when the clocks change.
                    LocalTime::Skipped { .. } => london::summer_time(date.year()).0,
                };
                if fire > after {
                    return Some(fire);
                }
            }
        }
        None
    }
}

/// Parses one field into a bit set of the allowed values.
fn parse_field(field: &str, min: u32, max: u32, name: &str) -> Result<u64, String> {
    let mut set = 0u64;
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => {
                let step: u32 = step
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("{name}: step {step:?} is not a positive number"))?;
                (range, step)
            }
            None => (part, 1),
        };
        let (start, end) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (number(a, min, max, name)?, number(b, min, max, name)?)
        } else {
            let n = number(range, min, max, name)?;
            // "5/15" means "from 5 to the end, every 15".
            (n, if part.contains('/') { max } else { n })
        };
        if start > end {
            return Err(format!("{name}: range {range:?} runs backwards"));
        }
        for value in (start..=end).step_by(step as usize) {
            set |= 1 << value;
        }
    }
    Ok(set)
}

fn number(raw: &str, min: u32, max: u32, name: &str) -> Result<u32, String> {
    raw.parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| format!("{name}: {raw:?} is not a number from {min} to {max}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    fn next(expr: &str, after: OffsetDateTime) -> OffsetDateTime {
        CronSchedule::parse(expr)
            .unwrap()
            .next_after(after)
            .unwrap()
    }

    #[test]
    fn fires_in_london_time_summer_and_winter() {
        // 03:00 London is 02:00 UTC in July and 03:00 UTC in December.
        assert_eq!(
            next("0 3 * * *", datetime!(2026-07-01 00:00 UTC)),
            datetime!(2026-07-01 02:00 UTC)
        );
        assert_eq!(
            next("0 3 * * *", datetime!(2026-12-01 00:00 UTC)),
            datetime!(2026-12-01 03:00 UTC)
        );
    }

    #[test]
    fn next_is_strictly_after() {
        let at = datetime!(2026-12-01 03:00 UTC);
        assert_eq!(next("0 3 * * *", at), datetime!(2026-12-02 03:00 UTC));
        assert_eq!(
            next("*/15 * * * *", datetime!(2026-12-01 03:07:30 UTC)),
            datetime!(2026-12-01 03:15 UTC)
        );
    }

    #[test]
    fn skipped_spring_hour_fires_once_at_the_change() {
        // 29 March 2026: 01:00–01:59 London does not exist.
        let every_ten = CronSchedule::parse("*/10 1 * * *").unwrap();
        let first = every_ten
            .next_after(datetime!(2026-03-29 00:00 UTC))
            .unwrap();
        assert_eq!(first, datetime!(2026-03-29 01:00 UTC));
        // …and not again that day: next is 01:00 London on the 30th (00:00 UTC, BST).
        assert_eq!(
            every_ten.next_after(first).unwrap(),
            datetime!(2026-03-30 00:00 UTC)
        );
    }

    #[test]
    fn repeated_autumn_hour_fires_once() {
        // 25 October 2026: 01:00–01:59 London happens twice; fire only the first time.
        let at_half_past_one = CronSchedule::parse("30 1 * * *").unwrap();
        let first = at_half_past_one
            .next_after(datetime!(2026-10-24 23:00 UTC))
            .unwrap();
        assert_eq!(first, datetime!(2026-10-25 00:30 UTC)); // 01:30 BST
        assert_eq!(
            at_half_past_one.next_after(first).unwrap(),
            datetime!(2026-10-26 01:30 UTC)
        );
    }

    #[test]
    fn day_fields_follow_vixie_cron() {
        // Restricted day of month OR restricted day of week: the 1st, or any Monday.
        let s = CronSchedule::parse("0 9 1 * mon").err();
        assert!(s.is_some(), "names are not supported; numbers are");
        let first_or_monday = CronSchedule::parse("0 9 1 * 1").unwrap();
        // Sat 21 Nov 2026 → Mon 23 Nov 09:00 (GMT).
        assert_eq!(
            first_or_monday
                .next_after(datetime!(2026-11-21 12:00 UTC))
                .unwrap(),
            datetime!(2026-11-23 09:00 UTC)
        );
        // Sunday as 0 and as 7.
        assert_eq!(
            next("0 12 * * 7", datetime!(2026-11-21 12:00 UTC)),
            datetime!(2026-11-22 12:00 UTC)
        );
        assert_eq!(
            next("0 12 * * 0", datetime!(2026-11-21 12:00 UTC)),
            datetime!(2026-11-22 12:00 UTC)
        );
        // Leap day.
        assert_eq!(
            next("0 0 29 2 *", datetime!(2026-11-21 12:00 UTC)),
            datetime!(2028-02-29 00:00 UTC)
        );
    }

    #[test]
    fn impossible_schedules_never_fire() {
        assert_eq!(
            CronSchedule::parse("0 0 31 2 *")
                .unwrap()
                .next_after(datetime!(2026-01-01 0:00 UTC)),
            None
        );
    }

    #[test]
    fn bad_expressions_say_what_is_wrong() {
        for (expr, fragment) in [
            ("0 3 * *", "expected 5 fields"),
            ("60 * * * *", "minute: \"60\""),
            ("* 24 * * *", "hour"),
            ("* * 0 * *", "day of month"),
            ("* * * 13 *", "month"),
            ("* * * * 8", "day of week"),
            ("*/0 * * * *", "step"),
            ("5-1 * * * *", "backwards"),
        ] {
            let err = CronSchedule::parse(expr).unwrap_err();
            assert!(err.to_string().contains(fragment), "{expr}: {err}");
        }
    }

    proptest! {
        /// Fire times are strictly increasing and each one matches the schedule's London
        /// minute, except the DST change instant standing in for the skipped hour.
        #[test]
        fn fire_times_increase(secs in 820_454_400i64..4_000_000_000i64, expr_index in 0usize..5) {
            let exprs = ["*/7 * * * *", "0 1 * * *", "30 2 * * 0", "15 */3 1,15 * *", "0 0 * * 1-5"];
            let schedule = CronSchedule::parse(exprs[expr_index]).unwrap();
            let mut at = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            for _ in 0..20 {
                let fire = schedule.next_after(at).unwrap();
                prop_assert!(fire > at);
                let local = london::to_london(fire);
                let is_change = fire == london::summer_time(local.year()).0;
                prop_assert!(is_change || local.second() == 0);
                at = fire;
            }
        }
    }
}
