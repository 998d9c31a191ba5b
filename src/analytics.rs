//! The maths behind the analytics page: progress bands, the day/night/weekend mix of a
//! carer's hours and how fair the hours are, a month series with its gaps filled, and
//! the "nice" axis scale the SVG charts draw against. Pure, so the page's figures and
//! the tests agree.

use crate::care::Progress;
use crate::london;
use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime, Weekday};

/// Where a carer stands on one task, in the four bands the distribution chart stacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProgressBand {
    /// Nothing logged yet.
    NotStarted,
    /// Under half the target.
    Started,
    /// Half the target or more, not yet all of it.
    Halfway,
    /// The target reached.
    Complete,
}

impl ProgressBand {
    pub const ALL: [ProgressBand; 4] = [
        ProgressBand::NotStarted,
        ProgressBand::Started,
        ProgressBand::Halfway,
        ProgressBand::Complete,
    ];

    pub fn of(progress: Progress) -> Self {
        if progress.is_complete() {
            Self::Complete
        } else if progress.current <= 0 {
            Self::NotStarted
        } else if progress.percent() >= 50.0 {
            Self::Halfway
        } else {
            Self::Started
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "Not started",
            Self::Started => "Under half",
            Self::Halfway => "Half or more",
            Self::Complete => "Complete",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// How many carers are in each band, in [`ProgressBand::ALL`]'s order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandCounts(pub [u32; 4]);

impl BandCounts {
    pub fn add(&mut self, progress: Progress) {
        self.0[ProgressBand::of(progress).index()] += 1;
    }

    pub fn get(&self, band: ProgressBand) -> u32 {
        self.0[band.index()]
    }

    pub fn total(&self) -> u32 {
        self.0.iter().sum()
    }
}

impl FromIterator<Progress> for BandCounts {
    fn from_iter<I: IntoIterator<Item = Progress>>(iter: I) -> Self {
        let mut counts = Self::default();
        for progress in iter {
            counts.add(progress);
        }
        counts
    }
}

/// The kind of hours a shift adds to a carer's mix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoursKind {
    WeekdayDay,
    WeekendDay,
    Night,
}

impl HoursKind {
    /// A night shift counts as night whatever the day; a day shift is a weekend one when
    /// it starts on a Saturday or Sunday in London.
    pub fn of(starts_at: OffsetDateTime, night: bool) -> Self {
        Self::from_parts(is_weekend(london::business_day(starts_at)), night)
    }

    fn from_parts(weekend: bool, night: bool) -> Self {
        match (night, weekend) {
            (true, _) => Self::Night,
            (false, true) => Self::WeekendDay,
            (false, false) => Self::WeekdayDay,
        }
    }
}

pub fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// One carer's worked minutes by kind, and their shift counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursMix {
    pub weekday_minutes: i64,
    pub weekend_minutes: i64,
    pub night_minutes: i64,
    pub shifts: u32,
    pub nights: u32,
    /// Shifts (day or night) that start on a Saturday or Sunday.
    pub weekend_shifts: u32,
}

impl HoursMix {
    /// Adds a shift starting at `starts_at` with `minutes` paid (its length less any
    /// unpaid break).
    pub fn add(&mut self, starts_at: OffsetDateTime, minutes: i64, night: bool) {
        let minutes = minutes.max(0);
        let weekend = is_weekend(london::business_day(starts_at));
        match HoursKind::from_parts(weekend, night) {
            HoursKind::WeekdayDay => self.weekday_minutes += minutes,
            HoursKind::WeekendDay => self.weekend_minutes += minutes,
            HoursKind::Night => self.night_minutes += minutes,
        }
        self.shifts += 1;
        self.nights += u32::from(night);
        self.weekend_shifts += u32::from(weekend);
    }

    pub fn total_minutes(&self) -> i64 {
        self.weekday_minutes + self.weekend_minutes + self.night_minutes
    }

    /// The share of the carer's hours that are nights or weekend days, in whole percent
    /// (rounded down); none when they worked no hours.
    pub fn unsocial_percent(&self) -> Option<u32> {
        let total = self.total_minutes();
        (total > 0).then(|| {
            u32::try_from((self.weekend_minutes + self.night_minutes) * 100 / total).unwrap_or(100)
        })
    }
}

/// How evenly hours are spread: the mean over the carers given (zeros included), and
/// each carer's difference from it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fairness {
    pub carers: u32,
    pub mean_minutes: i64,
    /// The mean share of unsocial hours over carers who worked any hours.
    pub mean_unsocial_percent: Option<u32>,
    /// The widest gap between two carers' hours.
    pub spread_minutes: i64,
}

impl Fairness {
    pub fn of<'a>(mixes: impl IntoIterator<Item = &'a HoursMix>) -> Self {
        let (mut count, mut sum, mut low, mut high) = (0i64, 0i64, i64::MAX, i64::MIN);
        let (mut worked, mut unsocial) = (0u32, 0u32);
        for mix in mixes {
            let total = mix.total_minutes();
            count += 1;
            sum += total;
            low = low.min(total);
            high = high.max(total);
            if let Some(share) = mix.unsocial_percent() {
                worked += 1;
                unsocial += share;
            }
        }
        Self {
            carers: u32::try_from(count).unwrap_or(u32::MAX),
            mean_minutes: if count == 0 { 0 } else { sum / count },
            mean_unsocial_percent: (worked > 0).then(|| unsocial / worked),
            spread_minutes: if count == 0 { 0 } else { high - low },
        }
    }
}

/// Minutes as hours to one decimal place ("7.5").
pub fn hours(minutes: i64) -> String {
    let tenths = (minutes * 10 + 30) / 60;
    format!("{}.{}", tenths / 10, (tenths % 10).abs())
}

/// A calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct YearMonth {
    pub year: i32,
    pub month: u8,
}

impl YearMonth {
    pub fn of(day: Date) -> Self {
        Self {
            year: day.year(),
            month: u8::from(day.month()),
        }
    }

    pub fn previous(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// "Nov 2026".
    pub fn label(self) -> String {
        let name = Month::try_from(self.month).map_or("?", |m| match m {
            Month::January => "Jan",
            Month::February => "Feb",
            Month::March => "Mar",
            Month::April => "Apr",
            Month::May => "May",
            Month::June => "Jun",
            Month::July => "Jul",
            Month::August => "Aug",
            Month::September => "Sep",
            Month::October => "Oct",
            Month::November => "Nov",
            Month::December => "Dec",
        });
        format!("{name} {}", self.year)
    }

    /// The first day of the month.
    pub fn first_day(self) -> Date {
        Month::try_from(self.month)
            .ok()
            .and_then(|m| Date::from_calendar_date(self.year, m, 1).ok())
            .unwrap_or(Date::MIN)
    }
}

/// The `months` months ending with `last`, oldest first, each with its count from
/// `counts` (months not there count 0).
pub fn month_series(
    last: YearMonth,
    months: usize,
    counts: &[(YearMonth, u32)],
) -> Vec<(YearMonth, u32)> {
    let mut series = Vec::with_capacity(months);
    let mut month = last;
    for _ in 0..months {
        let count = counts
            .iter()
            .filter(|(m, _)| *m == month)
            .map(|(_, c)| *c)
            .sum();
        series.push((month, count));
        month = month.previous();
    }
    series.reverse();
    series
}

/// The top of a chart's axis: the smallest 1, 2 or 5 × 10ⁿ at or above `max` (at least
/// 1, so an empty chart still has an axis).
pub fn nice_ceiling(max: u64) -> u64 {
    let mut step = 1u64;
    loop {
        for factor in [1, 2, 5] {
            let candidate = step.saturating_mul(factor);
            if candidate >= max {
                return candidate;
            }
        }
        step = step.saturating_mul(10);
    }
}

/// Where to draw gridlines up to `ceiling` (from [`nice_ceiling`]): 0, then five or
/// fewer evenly spaced whole steps ending at the ceiling.
pub fn ticks(ceiling: u64) -> Vec<u64> {
    let ceiling = ceiling.max(1);
    // The smallest 1, 2 or 5 × 10ⁿ step that divides the ceiling into five or fewer.
    let mut scale = 1u64;
    let step = 'found: loop {
        for factor in [1, 2, 5] {
            let step = scale.saturating_mul(factor);
            if step >= ceiling || (ceiling.is_multiple_of(step) && ceiling / step <= 5) {
                break 'found step.min(ceiling);
            }
        }
        scale = scale.saturating_mul(10);
    };
    (0..=ceiling / step).map(|i| i * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn p(current: i32, target: i32) -> Progress {
        Progress { current, target }
    }

    #[test]
    fn progress_falls_in_one_band() {
        assert_eq!(ProgressBand::of(p(0, 10)), ProgressBand::NotStarted);
        assert_eq!(ProgressBand::of(p(1, 10)), ProgressBand::Started);
        assert_eq!(ProgressBand::of(p(4, 10)), ProgressBand::Started);
        assert_eq!(ProgressBand::of(p(5, 10)), ProgressBand::Halfway);
        assert_eq!(ProgressBand::of(p(9, 10)), ProgressBand::Halfway);
        assert_eq!(ProgressBand::of(p(10, 10)), ProgressBand::Complete);
        assert_eq!(ProgressBand::of(p(25, 10)), ProgressBand::Complete);
        // 1 of 3 is 33.3 %: under half. 2 of 3 is 66.6 %.
        assert_eq!(ProgressBand::of(p(1, 3)), ProgressBand::Started);
        assert_eq!(ProgressBand::of(p(2, 3)), ProgressBand::Halfway);
        let counts: BandCounts = [p(0, 5), p(0, 5), p(3, 5), p(5, 5)].into_iter().collect();
        assert_eq!(counts.0, [2, 0, 1, 1]);
        assert_eq!(counts.total(), 4);
        assert_eq!(counts.get(ProgressBand::Complete), 1);
    }

    #[test]
    fn hours_split_into_weekday_weekend_and_night() {
        let mut mix = HoursMix::default();
        // Friday 2026-11-20 08:00–16:00 London (GMT): weekday day.
        mix.add(datetime!(2026-11-20 08:00 UTC), 8 * 60, false);
        // Saturday day, 6 h.
        mix.add(datetime!(2026-11-21 09:00 UTC), 6 * 60, false);
        // Sunday night into Monday, 10 h: a night and a weekend shift.
        mix.add(datetime!(2026-11-22 22:00 UTC), 10 * 60, true);
        assert_eq!(mix.weekday_minutes, 8 * 60);
        assert_eq!(mix.weekend_minutes, 6 * 60);
        assert_eq!(mix.night_minutes, 10 * 60);
        assert_eq!((mix.shifts, mix.nights, mix.weekend_shifts), (3, 1, 2));
        assert_eq!(mix.total_minutes(), 24 * 60);
        assert_eq!(mix.unsocial_percent(), Some(66));
        assert_eq!(HoursMix::default().unsocial_percent(), None);
    }

    #[test]
    fn the_weekend_is_londons() {
        // 23:30 UTC on Friday 2026-07-03 is 00:30 on Saturday in London (BST).
        assert_eq!(
            HoursKind::of(datetime!(2026-07-03 23:30 UTC), false),
            HoursKind::WeekendDay
        );
        assert_eq!(
            HoursKind::of(datetime!(2026-07-03 22:30 UTC), false),
            HoursKind::WeekdayDay
        );
    }

    #[test]
    fn fairness_counts_carers_without_hours() {
        let mut busy = HoursMix::default();
        busy.add(datetime!(2026-11-21 08:00 UTC), 12 * 60, false);
        let idle = HoursMix::default();
        let fairness = Fairness::of([&busy, &idle]);
        assert_eq!(fairness.carers, 2);
        assert_eq!(fairness.mean_minutes, 6 * 60);
        assert_eq!(fairness.spread_minutes, 12 * 60);
        // Only the carer who worked has a share: all of it on a Saturday.
        assert_eq!(fairness.mean_unsocial_percent, Some(100));
        let none = Fairness::of([]);
        assert_eq!(
            (none.carers, none.mean_minutes, none.spread_minutes),
            (0, 0, 0)
        );
        assert_eq!(none.mean_unsocial_percent, None);
    }

    #[test]
    fn hours_print_to_a_tenth() {
        assert_eq!(hours(0), "0.0");
        assert_eq!(hours(450), "7.5");
        assert_eq!(hours(20), "0.3");
        assert_eq!(hours(12 * 60), "12.0");
    }

    #[test]
    fn month_series_fills_gaps_and_crosses_the_year() {
        let nov = YearMonth::of(date!(2026 - 11 - 21));
        assert_eq!(nov.label(), "Nov 2026");
        assert_eq!(nov.first_day(), date!(2026 - 11 - 01));
        let jan = YearMonth {
            year: 2026,
            month: 1,
        };
        assert_eq!(
            jan.previous(),
            YearMonth {
                year: 2025,
                month: 12
            }
        );
        let series = month_series(jan, 3, &[(jan, 4), (jan.previous().previous(), 2)]);
        assert_eq!(
            series,
            vec![
                (
                    YearMonth {
                        year: 2025,
                        month: 11
                    },
                    2
                ),
                (
                    YearMonth {
                        year: 2025,
                        month: 12
                    },
                    0
                ),
                (jan, 4),
            ]
        );
    }

    #[test]
    fn axes_end_on_a_round_number_with_few_gridlines() {
        assert_eq!(nice_ceiling(0), 1);
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(48), 50);
        assert_eq!(nice_ceiling(51), 100);
        assert_eq!(nice_ceiling(130), 200);
        assert_eq!(ticks(1), vec![0, 1]);
        assert_eq!(ticks(5), vec![0, 1, 2, 3, 4, 5]);
        assert_eq!(ticks(10), vec![0, 2, 4, 6, 8, 10]);
        assert_eq!(ticks(20), vec![0, 5, 10, 15, 20]);
        assert_eq!(ticks(50), vec![0, 10, 20, 30, 40, 50]);
        assert_eq!(ticks(100), vec![0, 20, 40, 60, 80, 100]);
        assert_eq!(ticks(2000), vec![0, 500, 1000, 1500, 2000]);
        for max in 0..5000 {
            let ceiling = nice_ceiling(max);
            let t = ticks(ceiling);
            assert!(ceiling >= max);
            assert_eq!(t.first(), Some(&0));
            assert_eq!(t.last(), Some(&ceiling), "max {max}");
            assert!(t.len() >= 2 && t.len() <= 6, "max {max}: {t:?}");
        }
    }
}
