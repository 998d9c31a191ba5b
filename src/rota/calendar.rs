//! London days and weeks as Unix-second boundaries, worked out once per rota so the
//! rules never touch time zones in their loops. A London day is 23, 24 or 25 hours
//! long; a week runs from Monday 00:00 London time.

use super::indexed::{NIGHT_END_HOUR, NIGHT_START_HOUR};
use crate::london;
use std::sync::OnceLock;
use time::{Date, OffsetDateTime, Weekday, macros::format_description};

#[derive(Clone, Debug)]
pub(super) struct Calendar {
    /// A Monday, on or before the first instant covered.
    first_day: Date,
    /// `starts[i]`: the start of `first_day + i` days; one more than the days covered.
    starts: Vec<i64>,
    /// Each day's night time: 23:00 that day to 06:00 the next (London).
    nights: Vec<(i64, i64)>,
    /// "Mon 2 Nov 2026", made the first time a message needs it.
    labels: Vec<OnceLock<String>>,
}

impl Calendar {
    /// Whole weeks from the Monday on or before `first` to the Sunday on or after
    /// `last`, and one more week either side (so a fortnight around any covered week
    /// is covered too).
    pub fn covering(first: i64, last: i64) -> Calendar {
        let day_of = |t: i64| {
            OffsetDateTime::from_unix_timestamp(t)
                .map(london::business_day)
                .unwrap_or(Date::MIN)
        };
        let (first, last) = if first > last { (0, 0) } else { (first, last) };
        let first_day = monday_of(day_of(first)) - time::Duration::weeks(1);
        let last_day = day_of(last) + time::Duration::weeks(1);
        let days = (last_day - first_day).whole_days().max(0) + 1;
        // Whole weeks, plus the boundary after the last day.
        let days = (days + 6) / 7 * 7;
        let mut starts = Vec::with_capacity(days as usize + 1);
        let mut nights = Vec::with_capacity(days as usize);
        let mut day = first_day;
        for i in 0..=days {
            starts.push(london::start_of_day(day).unix_timestamp());
            let next = day.next_day().unwrap_or(day);
            if i < days {
                nights.push((
                    at_london_hour(day, NIGHT_START_HOUR),
                    at_london_hour(next, NIGHT_END_HOUR),
                ));
            }
            day = next;
        }
        Calendar {
            first_day,
            labels: (0..days).map(|_| OnceLock::new()).collect(),
            starts,
            nights,
        }
    }

    /// Seconds of `[start, end)` in night time (23:00–06:00 London).
    pub fn night_seconds(&self, start: i64, end: i64) -> i64 {
        let first = self.day_of(start).saturating_sub(1);
        let last = self.day_of(end);
        self.nights[first..=last]
            .iter()
            .map(|&(from, to)| (end.min(to) - start.max(from)).max(0))
            .sum()
    }

    /// "Mon 2 Nov 2026".
    pub fn day_label(&self, day: usize) -> &str {
        self.labels[day].get_or_init(|| {
            self.date(day)
                .format(format_description!(
                    "[weekday repr:short] [day padding:none] [month repr:short] [year]"
                ))
                .unwrap_or_default()
        })
    }

    /// "2 Nov 2026".
    pub fn date_label(&self, day: usize) -> &str {
        let label = self.day_label(day);
        label.split_once(' ').map_or(label, |(_, date)| date)
    }

    /// An instant as people read it: "Mon 2 Nov 2026, 08:00" (London time), written
    /// straight into the message that shows it.
    pub fn when(&self, t: i64) -> When<'_> {
        When { calendar: self, t }
    }

    /// The days covered.
    pub fn days(&self) -> usize {
        self.starts.len() - 1
    }

    pub fn weeks(&self) -> usize {
        self.days() / 7
    }

    /// The day index `t` falls on (clamped to the days covered).
    pub fn day_of(&self, t: i64) -> usize {
        self.starts
            .partition_point(|&start| start <= t)
            .saturating_sub(1)
            .min(self.days() - 1)
    }

    pub fn week_of(&self, t: i64) -> usize {
        self.day_of(t) / 7
    }

    pub fn day_start(&self, day: usize) -> i64 {
        self.starts[day]
    }

    pub fn week_start(&self, week: usize) -> i64 {
        self.starts[week * 7]
    }

    pub fn date(&self, day: usize) -> Date {
        self.first_day + time::Duration::days(day as i64)
    }

    /// The day `date` is, counted from the first day covered (negative before it).
    pub fn day_number(&self, date: Date) -> i64 {
        (date - self.first_day).whole_days()
    }

    /// The week `date` falls in, counted from the first week covered (negative before it).
    pub fn week_number(&self, date: Date) -> i64 {
        (date - self.first_day).whole_days().div_euclid(7)
    }

    pub fn week_date(&self, week: usize) -> Date {
        self.date(week * 7)
    }

    /// Whether `week` is the first of a fortnight (fortnights are fixed pairs of weeks,
    /// counted from Monday 5 January 1970, for the 14-day weekly-rest option).
    pub fn starts_fortnight(&self, week: usize) -> bool {
        let epoch = Date::from_calendar_date(1970, time::Month::January, 5).expect("a real date");
        ((self.week_date(week) - epoch).whole_weeks()).rem_euclid(2) == 0
    }

    /// Calls `f(day, seconds)` for each day that `[start, end)` overlaps.
    pub fn split_by_day(&self, start: i64, end: i64, mut f: impl FnMut(usize, i64)) {
        let mut day = self.day_of(start);
        while day < self.days() && self.starts[day] < end {
            let overlap = end.min(self.starts[day + 1]) - start.max(self.starts[day]);
            if overlap > 0 {
                f(day, overlap);
            }
            day += 1;
        }
    }

    /// Calls `f(week, from, to)` for each week that `[start, end)` overlaps.
    pub fn split_by_week(&self, start: i64, end: i64, mut f: impl FnMut(usize, i64, i64)) {
        let mut week = self.week_of(start);
        while week < self.weeks() && self.week_start(week) < end {
            f(week, self.week_start(week), self.week_start(week + 1));
            week += 1;
        }
    }
}

pub(super) struct When<'a> {
    calendar: &'a Calendar,
    t: i64,
}

impl std::fmt::Display for When<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (calendar, t) = (self.calendar, self.t);
        let day = calendar.day_of(t);
        let start = calendar.starts[day];
        let mut since_midnight = t - start;
        if calendar.starts[day + 1] - start != 86_400 {
            // A clock change that day: read the wall clock, not the elapsed time.
            let offset = |t: i64| {
                OffsetDateTime::from_unix_timestamp(t)
                    .map(|at| i64::from(london::offset_at(at).whole_seconds()))
                    .unwrap_or(0)
            };
            since_midnight += offset(t) - offset(start);
        }
        let minutes = since_midnight.div_euclid(60);
        write!(
            f,
            "{}, {:02}:{:02}",
            calendar.day_label(day),
            minutes / 60,
            minutes % 60
        )
    }
}

fn at_london_hour(day: Date, hour: u8) -> i64 {
    let local = day
        .with_hms(hour, 0, 0)
        .expect("a whole hour is a valid time");
    london::from_london(local).resolve().unix_timestamp()
}

fn monday_of(day: Date) -> Date {
    day - time::Duration::days(i64::from(day.weekday().number_days_from_monday()))
}

/// Saturday or Sunday.
pub(super) fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_clocks_going_back_make_a_25_hour_day_inside_one_week() {
        // Sunday 25 October 2026: BST ends at 01:00 UTC.
        let calendar = Calendar::covering(
            datetime!(2026-10-21 12:00 UTC).unix_timestamp(),
            datetime!(2026-10-27 12:00 UTC).unix_timestamp(),
        );
        // A week either side of the two weeks the instants fall in.
        assert_eq!(calendar.week_date(1), time::macros::date!(2026 - 10 - 19));
        assert_eq!(calendar.weeks(), 4);
        let sunday = 7 + 6;
        assert_eq!(
            calendar.day_start(sunday + 1) - calendar.day_start(sunday),
            25 * 3600
        );
        assert_eq!(calendar.week_start(2) - calendar.week_start(1), 169 * 3600);
        // In winter London keeps UTC: 23:30 UTC on the Sunday is still that Sunday.
        assert_eq!(
            calendar.week_of(datetime!(2026-10-25 23:30 UTC).unix_timestamp()),
            1
        );
        // 23:30 UTC on Saturday 24th (BST) is already Sunday, 00:30, in London.
        assert_eq!(
            calendar.day_of(datetime!(2026-10-24 23:30 UTC).unix_timestamp()),
            sunday
        );
    }
}
