//! Days and weeks as the product writes them: a day is `YYYY-MM-DD`, a week is named by
//! its Monday, and "this week" is the Europe/London week. One place for what forms, the
//! REST surface, stored report parameters and the rota's wire types all read and write.

use crate::london;
use std::ops::RangeInclusive;
use time::{
    Date, Duration, OffsetDateTime, Weekday, format_description::BorrowedFormatItem,
    macros::format_description,
};

const FORMAT: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// The years a form may name (a typo such as 20226 is refused, not stored).
pub const YEARS: RangeInclusive<i32> = 2000..=2100;

/// A `YYYY-MM-DD` day (surrounding space ignored), or `None`.
pub fn parse(text: &str) -> Option<Date> {
    Date::parse(text.trim(), FORMAT).ok()
}

/// A day as `YYYY-MM-DD`.
pub fn text(day: Date) -> String {
    day.format(FORMAT).expect("a date formats as YYYY-MM-DD")
}

/// The Monday of the week holding `day`.
pub fn monday_of(day: Date) -> Date {
    day - Duration::days(i64::from(day.weekday().number_days_from_monday()))
}

/// The Monday of the London week holding `instant`.
pub fn week_of(instant: OffsetDateTime) -> Date {
    monday_of(london::business_day(instant))
}

/// Why a week could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeekError {
    NotADate,
    OutOfRange,
    NotAMonday,
}

/// A week named by its Monday, `YYYY-MM-DD`, in [`YEARS`].
pub fn parse_week(text: &str) -> Result<Date, WeekError> {
    let day = parse(text).ok_or(WeekError::NotADate)?;
    if !YEARS.contains(&day.year()) {
        return Err(WeekError::OutOfRange);
    }
    if day.weekday() != Weekday::Monday {
        return Err(WeekError::NotAMonday);
    }
    Ok(day)
}

/// `#[serde(with = "caretrack::days::wire")]`: a `Date` as `YYYY-MM-DD` on the wire.
pub mod wire {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    use time::Date;

    pub fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::text(*date))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text, super::FORMAT)
            .map_err(|_| D::Error::custom(format!("{text:?} is not a date (YYYY-MM-DD)")))
    }

    /// The same for an `Option<Date>` (`null` for none).
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};
        use time::Date;

        pub fn serialize<S: Serializer>(
            date: &Option<Date>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match date {
                Some(date) => super::serialize(date, serializer),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Date>, D::Error> {
            #[derive(Deserialize)]
            struct Wrapped(#[serde(with = "super")] Date);
            Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|Wrapped(date)| date))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn days_read_and_write_as_iso() {
        assert_eq!(parse(" 2026-11-02 "), Some(date!(2026 - 11 - 02)));
        assert_eq!(parse("2026-13-01"), None);
        assert_eq!(parse("02/11/2026"), None);
        assert_eq!(text(date!(2026 - 01 - 05)), "2026-01-05");
    }

    #[test]
    fn a_week_is_named_by_its_monday_within_the_years_forms_accept() {
        assert_eq!(parse_week("2026-11-02"), Ok(date!(2026 - 11 - 02)));
        assert_eq!(parse_week("2026-11-03"), Err(WeekError::NotAMonday));
        assert_eq!(parse_week("1999-12-27"), Err(WeekError::OutOfRange));
        assert_eq!(parse_week("next week"), Err(WeekError::NotADate));
        assert_eq!(monday_of(date!(2026 - 11 - 08)), date!(2026 - 11 - 02));
        assert_eq!(monday_of(date!(2026 - 11 - 02)), date!(2026 - 11 - 02));
    }

    #[test]
    fn this_week_is_the_london_week() {
        // 23:30 UTC on Sunday 29 March 2026 is 00:30 BST on Monday 30 March.
        assert_eq!(
            week_of(datetime!(2026-03-29 23:30 UTC)),
            date!(2026 - 03 - 30)
        );
        // 23:30 UTC on Sunday 1 November 2026 is still Sunday in London (GMT).
        assert_eq!(
            week_of(datetime!(2026-11-01 23:30 UTC)),
            date!(2026 - 10 - 26)
        );
    }

    #[test]
    fn wire_dates_round_trip_and_refuse_other_spellings() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Holder {
            #[serde(with = "wire")]
            day: Date,
            #[serde(with = "wire::option", default)]
            maybe: Option<Date>,
        }
        let held = Holder {
            day: date!(2026 - 11 - 02),
            maybe: None,
        };
        let json = serde_json::to_string(&held).unwrap();
        assert_eq!(json, r#"{"day":"2026-11-02","maybe":null}"#);
        assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), held);
        assert!(serde_json::from_str::<Holder>(r#"{"day":"2/11/2026"}"#).is_err());
    }
}
