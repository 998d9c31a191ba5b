//! The Working Time Regulations 1998 (SPEC §4, rules 9–14), as they apply to a rota.
//!
//! Readings of the law this module makes, each in line with the gov.uk and ACAS
//! guidance:
//! - Working time is the shift less its planned break.
//! - Averages run over a rolling reference period that ends with the week checked
//!   (weeks run Monday to Sunday, London time), or from the week employment began if
//!   that is shorter (reg. 4(4)). Leave taken in the period is not added back.
//! - Daily rest: the 24 hours from the start of each stretch of work must hold 11
//!   consecutive hours of rest (12 for under-18s), so a working day is at most 13 hours.
//! - Weekly rest is looked for inside each fixed week; failing that, inside the fixed
//!   fortnight holding it (fortnights counted from Monday 5 January 1970).
//! - A night worker works at least 3 hours of night time (23:00–06:00) on at least a
//!   third of their shifts, unless recorded otherwise; their average is hours over the
//!   reference period divided by its days less one weekly rest day a week (reg. 6(5)).

use super::{
    RuleId,
    check::{CarerContext, CarerRule, Findings, hours},
    indexed::NIGHT_HOURS_THAT_COUNT,
};

/// Rules 9–14, each about one carer's working time.
pub(super) const CARER_RULES: [(RuleId, CarerRule); 6] = [
    (RuleId::WtrWeeklyAverage, weekly_average),
    (RuleId::WtrDailyRest, daily_rest),
    (RuleId::WtrWeeklyRest, weekly_rest),
    (RuleId::WtrRestBreak, rest_break),
    (RuleId::WtrNightWork, night_work),
    (RuleId::WtrYoungWorkerLimits, young_worker_limits),
];

/// Working seconds in the `weeks` weeks ending with `week`, and how many weeks count
/// (fewer when employment began inside the period).
fn reference_period(carer: &CarerContext, week: usize, weeks: u32) -> (f64, u32) {
    let calendar = &carer.rota.calendar;
    let mut counted = weeks;
    if let Some(began) = carer.data().carer.employed_from {
        let since = week as i64 - calendar.week_number(began) + 1;
        counted = counted.min(since.clamp(1, i64::from(u32::MAX)) as u32);
    }
    let first = (week + 1).saturating_sub(counted as usize);
    let worked = carer.week_work[first..=week].iter().sum();
    (worked, counted)
}

/// Rule 9: the 48-hour average week, lifted only by an opt-out in force all week.
fn weekly_average(carer: &CarerContext, findings: &mut Findings) {
    let rule = &carer.rota.settings.wtr_weekly_average;
    let calendar = &carer.rota.calendar;
    for week in carer.planned_weeks() {
        let (worked, weeks) = reference_period(carer, week, rule.reference_weeks);
        let average = worked / f64::from(weeks);
        if average <= rule.max_hours * 3600.0 + 0.5 {
            continue;
        }
        let young = carer.young_in_week(week);
        let (monday, sunday) = (calendar.week_date(week), calendar.date(week * 7 + 6));
        let opted_out = !young
            && carer
                .data()
                .carer
                .opt_out
                .is_some_and(|opt_out| opt_out.covers(monday, sunday));
        if opted_out {
            continue;
        }
        findings.report(
            RuleId::WtrWeeklyAverage,
            Some(carer.carer),
            &carer.shifts_in_week(week),
            young,
            format!(
                "Average {}/week over the {weeks} weeks to the week of {}; the limit is {} and no opt-out is in force.",
                hours(average),
                calendar.date_label(week * 7),
                hours(rule.max_hours * 3600.0)
            ),
            &[
                ("average_hours", average / 3600.0),
                ("limit_hours", rule.max_hours),
                ("reference_weeks", f64::from(weeks)),
            ],
        );
    }
}

/// A stretch of back-to-back or overlapping work: `(start, end, first, last)`, where
/// `first..=last` index the carer's shifts.
type Block = (i64, i64, usize, usize);

fn work_blocks(carer: &CarerContext) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    for (position, &s) in carer.shifts.iter().enumerate() {
        let shift = &carer.rota.shifts[s];
        match blocks.last_mut() {
            Some(block) if shift.start <= block.1 => {
                block.1 = block.1.max(shift.end);
                block.3 = position;
            }
            _ => blocks.push((shift.start, shift.end, position, position)),
        }
    }
    blocks
}

/// The carer's shifts in blocks `first..=last`.
fn shifts_of(carer: &CarerContext, blocks: &[Block], first: usize, last: usize) -> Vec<usize> {
    carer.shifts[blocks[first].2..=blocks[last].3].to_vec()
}

/// Rule 10: 11 consecutive hours' rest in each 24 hours (12 for under-18s), looked for
/// inside the 24 hours from the start of each stretch of work. Hence the longest
/// working day the rule allows is 13 hours.
fn daily_rest(carer: &CarerContext, findings: &mut Findings) {
    let rule = &carer.rota.settings.wtr_daily_rest;
    let blocks = work_blocks(carer);
    // Consecutive 24-hour periods that fail share shifts; each run is one finding.
    struct Run {
        first: usize,
        last: usize,
        longest: i64,
        needed: i64,
        young: bool,
    }
    let report = |run: Run, findings: &mut Findings| {
        findings.report(
            RuleId::WtrDailyRest,
            Some(carer.carer),
            &shifts_of(carer, &blocks, run.first, run.last),
            run.young,
            format!(
                "Less than {} of rest in the 24 hours from {}: the longest rest is {}.",
                hours(run.needed as f64),
                carer.rota.calendar.when(blocks[run.first].0),
                hours(run.longest as f64)
            ),
            &[
                ("longest_rest_hours", run.longest as f64 / 3600.0),
                ("needed_hours", run.needed as f64 / 3600.0),
            ],
        );
    };
    let mut pending: Option<Run> = None;
    for i in 0..blocks.len() {
        let young = carer.young_at(blocks[i].0);
        let needed = ((if young {
            rule.young_hours
        } else {
            rule.adult_hours
        }) * 3600.0) as i64;
        let period_end = blocks[i].0 + 86_400;
        let longest = Rests::within(&blocks, blocks[i].0, period_end)
            .max()
            .unwrap_or(0);
        if longest >= needed {
            continue;
        }
        let last = i + blocks[i..].partition_point(|block| block.0 < period_end) - 1;
        match &mut pending {
            Some(run) if i <= run.last => {
                run.last = run.last.max(last);
                run.longest = run.longest.min(longest);
            }
            _ => {
                let next = Run {
                    first: i,
                    last,
                    longest,
                    needed,
                    young,
                };
                if let Some(done) = pending.replace(next) {
                    report(done, findings);
                }
            }
        }
    }
    if let Some(done) = pending {
        report(done, findings);
    }
}

/// The rests inside `[from, to)`: the gaps between the carer's blocks of work, clipped
/// to the period.
struct Rests<'a> {
    blocks: std::slice::Iter<'a, Block>,
    cursor: i64,
    to: i64,
}

impl<'a> Rests<'a> {
    fn within(blocks: &'a [Block], from: i64, to: i64) -> Self {
        let first = blocks.partition_point(|block| block.1 <= from);
        Rests {
            blocks: blocks[first..].iter(),
            cursor: from,
            to,
        }
    }
}

impl Iterator for Rests<'_> {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        while self.cursor < self.to {
            match self.blocks.next() {
                Some(block) if block.0 < self.to => {
                    let rest = block.0 - self.cursor;
                    self.cursor = self.cursor.max(block.1);
                    if rest > 0 {
                        return Some(rest);
                    }
                }
                _ => {
                    let rest = self.to - self.cursor;
                    self.cursor = self.to;
                    return Some(rest);
                }
            }
        }
        None
    }
}

/// Rule 11: 24 hours' rest each week, or 48 hours (or twice 24) each fortnight; 48
/// hours each week for under-18s.
fn weekly_rest(carer: &CarerContext, findings: &mut Findings) {
    let rule = &carer.rota.settings.wtr_weekly_rest;
    let calendar = &carer.rota.calendar;
    let blocks = work_blocks(carer);
    for week in carer.planned_weeks() {
        let young = carer.young_in_week(week);
        let weekly = (if young {
            rule.young_hours_per_7_days
        } else {
            rule.adult_hours_per_7_days
        }) * 3600.0;
        let longest = Rests::within(
            &blocks,
            calendar.week_start(week),
            calendar.week_start(week + 1),
        )
        .max()
        .unwrap_or(0);
        if longest as f64 >= weekly {
            continue;
        }
        let monday = calendar.date_label(week * 7);
        let message = if young {
            format!(
                "Under 18: needs {} of uninterrupted rest in the week of {monday}; the longest is {}.",
                hours(weekly),
                hours(longest as f64)
            )
        } else {
            let first = if calendar.starts_fortnight(week) {
                week
            } else {
                week.saturating_sub(1)
            };
            let fortnight = || {
                Rests::within(
                    &blocks,
                    calendar.week_start(first),
                    calendar.week_start(first + 2),
                )
            };
            let fortnightly = rule.adult_hours_per_14_days * 3600.0;
            let long_one = fortnight().any(|rest| rest as f64 >= fortnightly);
            let two_days = fortnight().filter(|&rest| rest as f64 >= weekly).count() >= 2;
            if long_one || two_days {
                continue;
            }
            format!(
                "No {} rest in the week of {monday} (the longest is {}), and no {} rest, or two of {}, in the fortnight from {}.",
                hours(weekly),
                hours(longest as f64),
                hours(fortnightly),
                hours(weekly),
                calendar.date_label(first * 7)
            )
        };
        findings.report(
            RuleId::WtrWeeklyRest,
            Some(carer.carer),
            &carer.shifts_in_week(week),
            young,
            message,
            &[
                ("longest_rest_hours", longest as f64 / 3600.0),
                ("needed_hours", weekly / 3600.0),
            ],
        );
    }
}

/// Rule 12: a shift of more than 6 hours' work needs a 20-minute break planned into it
/// (more than 4.5 hours: 30 minutes for under-18s).
fn rest_break(carer: &CarerContext, findings: &mut Findings) {
    let rule = &carer.rota.settings.wtr_rest_break;
    for &s in carer.shifts {
        let shift = &carer.rota.shifts[s];
        let young = carer.young_at(shift.start);
        let (after, minutes) = if young {
            (rule.young_after_hours, rule.young_break_minutes)
        } else {
            (rule.adult_after_hours, rule.adult_break_minutes)
        };
        if shift.work as f64 > after * 3600.0 && shift.break_minutes < minutes {
            findings.report(
                RuleId::WtrRestBreak,
                Some(carer.carer),
                &[s],
                young,
                format!(
                    "The shift from {} is {} of work with a {}-minute break; over {} needs at least {minutes} minutes.",
                    carer.rota.calendar.when(shift.start),
                    hours(shift.work as f64),
                    shift.break_minutes,
                    hours(after * 3600.0)
                ),
                &[
                    ("work_hours", shift.work as f64 / 3600.0),
                    ("break_minutes", f64::from(shift.break_minutes)),
                    ("needed_minutes", f64::from(minutes)),
                ],
            );
        }
    }
}

/// Whether the carer is a night worker: as recorded, else by their shifts.
fn night_worker(carer: &CarerContext) -> bool {
    carer.data().carer.night_worker.unwrap_or_else(|| {
        let nights = carer
            .all
            .iter()
            .filter(|&&s| carer.rota.shifts[s].night >= NIGHT_HOURS_THAT_COUNT)
            .count();
        nights > 0 && nights * 3 >= carer.all.len()
    })
}

/// Rule 13: a night worker's average, at most 8 hours in each 24.
fn night_work(carer: &CarerContext, findings: &mut Findings) {
    if !night_worker(carer) {
        return;
    }
    let settings = &carer.rota.settings;
    let limit = settings.wtr_night_work.max_average_hours_per_24;
    for week in carer.planned_weeks() {
        let (worked, weeks) = reference_period(carer, week, settings.night_reference_weeks());
        // Days in the period, less one day of weekly rest a week (reg. 6(5)).
        let days = f64::from(weeks * 6);
        let average = worked / days;
        if average <= limit * 3600.0 + 0.5 {
            continue;
        }
        findings.report(
            RuleId::WtrNightWork,
            Some(carer.carer),
            &carer.shifts_in_week(week),
            carer.young_in_week(week),
            format!(
                "As a night worker: an average of {} per 24 hours over the {weeks} weeks to the week of {}; the limit is {}.",
                hours(average),
                carer.rota.calendar.date_label(week * 7),
                hours(limit * 3600.0)
            ),
            &[
                ("average_hours", average / 3600.0),
                ("limit_hours", limit),
                ("reference_weeks", f64::from(weeks)),
            ],
        );
    }
}

/// Rule 14: under-18s work at most 8 hours a day and 40 a week, with no averaging.
fn young_worker_limits(carer: &CarerContext, findings: &mut Findings) {
    if carer.data().adult_from.is_none() {
        return;
    }
    let rule = &carer.rota.settings.wtr_young_worker_limits;
    let calendar = &carer.rota.calendar;
    let mut day_work = vec![0.0; calendar.days()];
    for &s in carer.shifts {
        let shift = &carer.rota.shifts[s];
        calendar.split_by_day(shift.start, shift.end, |day, _| {
            let (from, to) = (calendar.day_start(day), calendar.day_start(day + 1));
            day_work[day] += shift.work_within(from, to);
        });
    }
    for (day, &worked) in day_work.iter().enumerate() {
        if worked > rule.max_daily_hours * 3600.0 + 0.5 && carer.young_on_day(day) {
            findings.report(
                RuleId::WtrYoungWorkerLimits,
                Some(carer.carer),
                &carer.shifts_within(calendar.day_start(day), calendar.day_start(day + 1)),
                true,
                format!(
                    "Under 18: {} of work on {}; the limit is {} a day.",
                    hours(worked),
                    calendar.date_label(day),
                    hours(rule.max_daily_hours * 3600.0)
                ),
                &[
                    ("hours", worked / 3600.0),
                    ("limit_hours", rule.max_daily_hours),
                ],
            );
        }
    }
    for week in carer.planned_weeks() {
        let worked = carer.week_work[week];
        if worked > rule.max_weekly_hours * 3600.0 + 0.5 && carer.young_in_week(week) {
            findings.report(
                RuleId::WtrYoungWorkerLimits,
                Some(carer.carer),
                &carer.shifts_in_week(week),
                true,
                format!(
                    "Under 18: {} of work in the week of {}; the limit is {} a week.",
                    hours(worked),
                    calendar.date_label(week * 7),
                    hours(rule.max_weekly_hours * 3600.0)
                ),
                &[
                    ("hours", worked / 3600.0),
                    ("limit_hours", rule.max_weekly_hours),
                ],
            );
        }
    }
}
