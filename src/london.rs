//! Europe/London civil time, without a time-zone database.
//!
//! The care business runs on London wall-clock time: the daily completion cap is per
//! London calendar day and shifts are planned in local time across DST changes. Since
//! 1996 UK summer time (BST, UTC+1) runs from 01:00 UTC on the last Sunday of March to
//! 01:00 UTC on the last Sunday of October (Summer Time Order 2002); the rest of the year
//! is GMT (UTC+0). Encoding that rule here keeps the core pure and small enough for the
//! browser bundle. Instants before 1996 are not meaningful for this product.

use time::{
    Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, UtcOffset,
    macros::{format_description, offset},
};

const GMT: UtcOffset = offset!(UTC);
const BST: UtcOffset = offset!(+1);

/// The last Sunday of `month` in `year`.
fn last_sunday(year: i32, month: Month) -> Date {
    let last_day = Date::from_calendar_date(year, month, month.length(year))
        .expect("the last day of a month is a valid date");
    last_day - Duration::days(i64::from(last_day.weekday().number_days_from_sunday()))
}

/// The instants (in UTC) at which British Summer Time starts and ends in `year`.
pub fn summer_time(year: i32) -> (OffsetDateTime, OffsetDateTime) {
    let switch = |month| {
        PrimitiveDateTime::new(last_sunday(year, month), time::macros::time!(01:00)).assume_utc()
    };
    (switch(Month::March), switch(Month::October))
}

/// London's offset from UTC at `instant`: +0 (GMT) or +1 (BST).
pub fn offset_at(instant: OffsetDateTime) -> UtcOffset {
    let utc = instant.to_offset(GMT);
    let (starts, ends) = summer_time(utc.year());
    if utc >= starts && utc < ends {
        BST
    } else {
        GMT
    }
}

/// `instant` as London wall-clock time (carrying the right offset).
pub fn to_london(instant: OffsetDateTime) -> OffsetDateTime {
    instant.to_offset(offset_at(instant))
}

/// The London calendar day `instant` falls on: the "business day" for daily caps.
pub fn business_day(instant: OffsetDateTime) -> Date {
    to_london(instant).date()
}

/// What a London wall-clock time means as an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalTime {
    /// The usual case: exactly one instant.
    Single(OffsetDateTime),
    /// The hour repeated when clocks go back in October: two instants, an hour apart.
    Ambiguous {
        earlier: OffsetDateTime,
        later: OffsetDateTime,
    },
    /// The hour skipped when clocks go forward in March. `shifted` is the instant the
    /// same wall time names once moved forward past the gap (01:30 → 02:30 BST).
    Skipped { shifted: OffsetDateTime },
}

impl LocalTime {
    /// One instant, by the usual calendar convention (RFC 5545): the earlier of a
    /// repeated time, and a skipped time moved forward by the length of the gap.
    pub fn resolve(self) -> OffsetDateTime {
        match self {
            LocalTime::Single(at) => at,
            LocalTime::Ambiguous { earlier, .. } => earlier,
            LocalTime::Skipped { shifted } => shifted,
        }
    }
}

/// Interprets a wall-clock time in London.
pub fn from_london(local: PrimitiveDateTime) -> LocalTime {
    let as_gmt = local.assume_offset(GMT);
    let as_bst = local.assume_offset(BST);
    let gmt_valid = offset_at(as_gmt) == GMT;
    let bst_valid = offset_at(as_bst) == BST;
    match (gmt_valid, bst_valid) {
        (true, true) => LocalTime::Ambiguous {
            earlier: to_london(as_bst),
            later: to_london(as_gmt),
        },
        (true, false) => LocalTime::Single(as_gmt),
        (false, true) => LocalTime::Single(as_bst),
        (false, false) => LocalTime::Skipped {
            shifted: to_london(as_gmt),
        },
    }
}

/// The instant London's calendar day `date` begins. UK clocks change at 01:00/02:00,
/// never at midnight, so this is always exact.
pub fn start_of_day(date: Date) -> OffsetDateTime {
    from_london(date.midnight()).resolve()
}

/// How long London's calendar day `date` is: 23 h in March, 25 h in October, else 24 h.
pub fn day_length(date: Date) -> Duration {
    let next = date.next_day().expect("dates in range have a next day");
    start_of_day(next) - start_of_day(date)
}

/// `instant` as people in the UK read it: "Sat 21 Nov 2026, 14:05".
pub fn format_datetime(instant: OffsetDateTime) -> String {
    to_london(instant)
        .format(format_description!(
            "[weekday repr:short] [day padding:none] [month repr:short] [year], [hour]:[minute]"
        ))
        .expect("the format only uses fields every date has")
}

/// A date as people in the UK read it: "21 Nov 2026".
pub fn format_date(date: Date) -> String {
    date.format(format_description!(
        "[day padding:none] [month repr:short] [year]"
    ))
    .expect("the format only uses fields every date has")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    #[test]
    fn summer_time_2026_matches_the_published_dates() {
        let (starts, ends) = summer_time(2026);
        assert_eq!(starts, datetime!(2026-03-29 01:00 UTC));
        assert_eq!(ends, datetime!(2026-10-25 01:00 UTC));
        let (starts, ends) = summer_time(2027);
        assert_eq!(starts, datetime!(2027-03-28 01:00 UTC));
        assert_eq!(ends, datetime!(2027-10-31 01:00 UTC));
    }

    #[test]
    fn offsets_flip_exactly_at_the_switch() {
        assert_eq!(offset_at(datetime!(2026-03-29 00:59:59 UTC)), GMT);
        assert_eq!(offset_at(datetime!(2026-03-29 01:00 UTC)), BST);
        assert_eq!(offset_at(datetime!(2026-10-25 00:59:59 UTC)), BST);
        assert_eq!(offset_at(datetime!(2026-10-25 01:00 UTC)), GMT);
        assert_eq!(offset_at(datetime!(2026-07-01 12:00 +05:30)), BST);
    }

    #[test]
    fn late_evening_in_summer_is_already_tomorrow_in_london() {
        // 23:30 UTC on 1 July is 00:30 BST on 2 July: a log made then counts for the 2nd.
        assert_eq!(
            business_day(datetime!(2026-07-01 23:30 UTC)),
            date!(2026 - 07 - 02)
        );
        assert_eq!(
            business_day(datetime!(2026-12-01 23:30 UTC)),
            date!(2026 - 12 - 01)
        );
    }

    #[test]
    fn skipped_and_repeated_hours_are_reported() {
        assert_eq!(
            from_london(datetime!(2026-03-29 01:30)),
            LocalTime::Skipped {
                shifted: datetime!(2026-03-29 02:30 +1)
            }
        );
        assert_eq!(
            from_london(datetime!(2026-10-25 01:30)),
            LocalTime::Ambiguous {
                earlier: datetime!(2026-10-25 01:30 +1),
                later: datetime!(2026-10-25 01:30 UTC),
            }
        );
        assert_eq!(
            from_london(datetime!(2026-10-25 01:30)).resolve(),
            datetime!(2026-10-25 00:30 UTC)
        );
        assert_eq!(
            from_london(datetime!(2026-01-10 09:00)),
            LocalTime::Single(datetime!(2026-01-10 09:00 UTC))
        );
    }

    #[test]
    fn day_lengths_follow_the_clock_changes() {
        assert_eq!(day_length(date!(2026 - 03 - 29)), Duration::hours(23));
        assert_eq!(day_length(date!(2026 - 10 - 25)), Duration::hours(25));
        assert_eq!(day_length(date!(2026 - 11 - 21)), Duration::hours(24));
        assert_eq!(
            start_of_day(date!(2026 - 07 - 02)),
            datetime!(2026-07-01 23:00 UTC)
        );
    }

    #[test]
    fn formats_for_uk_readers() {
        assert_eq!(
            format_datetime(datetime!(2026-07-01 13:05 UTC)),
            "Wed 1 Jul 2026, 14:05"
        );
        assert_eq!(format_date(date!(2026 - 11 - 21)), "21 Nov 2026");
    }

    proptest! {
        /// Every instant, shown in London and read back, names that same instant.
        #[test]
        fn london_wall_time_round_trips(secs in 820_454_400i64..4_102_444_800i64) {
            let instant = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            let local = to_london(instant);
            let wall = PrimitiveDateTime::new(local.date(), local.time());
            match from_london(wall) {
                LocalTime::Single(at) => prop_assert_eq!(at, instant),
                LocalTime::Ambiguous { earlier, later } => {
                    prop_assert!(earlier == instant || later == instant);
                    prop_assert_eq!(later - earlier, Duration::HOUR);
                }
                LocalTime::Skipped { .. } => prop_assert!(false, "a real instant is never skipped"),
            }
        }

        /// A business day always starts at local midnight and lasts 23, 24 or 25 hours.
        #[test]
        fn every_day_starts_at_local_midnight(day in 9_497i32..47_482i32) {
            let date = Date::from_julian_day(2_440_588 + day).unwrap();
            let start = to_london(start_of_day(date));
            prop_assert_eq!(start.date(), date);
            prop_assert_eq!(start.time(), time::Time::MIDNIGHT);
            let hours = day_length(date).whole_hours();
            prop_assert!((23..=25).contains(&hours));
        }
    }
}
