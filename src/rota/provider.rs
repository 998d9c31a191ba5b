//! The provider's own rules (SPEC §4, rules 1–8).

use super::{
    RuleId, ShiftKind,
    calendar::is_weekend,
    check::{CarerContext, CarerRule, Findings, hours},
    indexed::Rota,
};

/// Rules 1 and 2: who is on one shift.
pub(super) fn shift_rules(rota: &Rota, s: usize, findings: &mut Findings) {
    let shift = &rota.shifts[s];
    if shift.carers.is_empty()
        || shift
            .carers
            .iter()
            .any(|&c| rota.competent[c][shift.package])
    {
        return;
    }
    let tasks = rota.packages[shift.package].task_ids.len();
    let at = rota.calendar.when(shift.start);
    if findings.enabled(RuleId::CompetentOnEveryShift) {
        findings.report(
            RuleId::CompetentOnEveryShift,
            None,
            &[s],
            false,
            format!(
                "{at}: no carer on this shift is competent in all {tasks} of the package's tasks."
            ),
            &[
                ("competent_carers", 0.0),
                ("carers", shift.carers.len() as f64),
            ],
        );
    }
    if findings.enabled(RuleId::SupervisedNonCompetent) {
        for &carer in &shift.carers {
            findings.report(
                RuleId::SupervisedNonCompetent,
                Some(carer),
                &[s],
                false,
                format!(
                    "{at}: not yet competent in all of the package's tasks, and no competent carer is on the shift to supervise."
                ),
                &[],
            );
        }
    }
}

/// Rules 3–8, each about one carer's pattern of work.
pub(super) const CARER_RULES: [(RuleId, CarerRule); 6] = [
    (RuleId::MaxContractedHours, contracted_hours),
    (RuleId::RotationPattern, rotation_pattern),
    (RuleId::NoConsecutiveWeekends, consecutive_weekends),
    (RuleId::ConsecutiveNights, consecutive_nights),
    (RuleId::NightToDayRest, night_to_day_rest),
    (RuleId::NoDoubleBooking, double_booking),
];

/// Rule 3: hours in a week (Monday to Sunday, London) beyond the contract.
fn contracted_hours(carer: &CarerContext, findings: &mut Findings) {
    let limit_hours = carer.data().carer.weekly_hours_limit.unwrap_or(
        carer
            .rota
            .settings
            .max_contracted_hours
            .default_weekly_hours,
    );
    for week in carer.planned_weeks() {
        let worked = carer.week_work[week];
        if worked > limit_hours * 3600.0 + 0.5 {
            let start = carer.rota.calendar.date_label(week * 7);
            findings.report(
                RuleId::MaxContractedHours,
                Some(carer.carer),
                &carer.shifts_in_week(week),
                false,
                format!(
                    "Planned for {} in the week of {start}; contracted for {}.",
                    hours(worked),
                    hours(limit_hours * 3600.0)
                ),
                &[("hours", worked / 3600.0), ("limit_hours", limit_hours)],
            );
        }
    }
}

/// The week each shift starts in, and whether it is a night.
fn starts<'a>(carer: &'a CarerContext<'a>) -> impl Iterator<Item = (usize, usize, bool)> + 'a {
    carer.shifts.iter().map(|&s| {
        let shift = &carer.rota.shifts[s];
        (s, shift.start_day, shift.kind == ShiftKind::Night)
    })
}

/// Rule 4: day weeks and night weeks alternate, and never mix.
fn rotation_pattern(carer: &CarerContext, findings: &mut Findings) {
    const DAY: u8 = 1;
    const NIGHT: u8 = 2;
    let mut kinds = vec![0u8; carer.rota.calendar.weeks()];
    for (_, day, night) in starts(carer) {
        kinds[day / 7] |= if night { NIGHT } else { DAY };
    }
    let in_weeks = |weeks: &[usize]| -> Vec<usize> {
        starts(carer)
            .filter(|(_, day, _)| weeks.contains(&(day / 7)))
            .map(|(s, _, _)| s)
            .collect()
    };
    let date = |week: usize| carer.rota.calendar.date_label(week * 7);
    for week in 0..kinds.len() {
        if kinds[week] == DAY | NIGHT {
            findings.report(
                RuleId::RotationPattern,
                Some(carer.carer),
                &in_weeks(&[week]),
                false,
                format!(
                    "Day and night shifts in the same week (the week of {}).",
                    date(week)
                ),
                &[],
            );
        } else if week > 0 && kinds[week] != 0 && kinds[week] == kinds[week - 1] {
            let what = if kinds[week] == DAY { "day" } else { "night" };
            findings.report(
                RuleId::RotationPattern,
                Some(carer.carer),
                &in_weeks(&[week - 1, week]),
                false,
                format!(
                    "Two {what} weeks in a row (the weeks of {} and {}); day and night weeks should alternate.",
                    date(week - 1),
                    date(week)
                ),
                &[],
            );
        }
    }
}

/// Rule 5: a shift starting on a Saturday or Sunday means the weekend is worked.
fn consecutive_weekends(carer: &CarerContext, findings: &mut Findings) {
    let calendar = &carer.rota.calendar;
    // (week, shift) for each shift starting on a Saturday or Sunday, in time order.
    let weekend_shifts: Vec<(usize, usize)> = starts(carer)
        .filter(|&(_, day, _)| is_weekend(calendar.date(day)))
        .map(|(s, day, _)| (day / 7, s))
        .collect();
    // One finding per run of weekends worked back to back.
    for run in weekend_shifts.chunk_by(|a, b| b.0 <= a.0 + 1) {
        let (first, last) = (run[0].0, run[run.len() - 1].0);
        if first == last {
            continue;
        }
        let weekends = last - first + 1;
        let shifts: Vec<usize> = run.iter().map(|&(_, s)| s).collect();
        let saturday = |week: usize| calendar.date_label(week * 7 + 5);
        let message = if weekends == 2 {
            format!(
                "Works two weekends in a row: the weekends of {} and {}.",
                saturday(first),
                saturday(last)
            )
        } else {
            format!(
                "Works {weekends} weekends in a row, from the weekend of {} to that of {}.",
                saturday(first),
                saturday(last)
            )
        };
        findings.report(
            RuleId::NoConsecutiveWeekends,
            Some(carer.carer),
            &shifts,
            false,
            message,
            &[("weekends", weekends as f64)],
        );
    }
}

/// Rule 6: runs of nights on consecutive days, longer than the organisation allows.
fn consecutive_nights(carer: &CarerContext, findings: &mut Findings) {
    let Some(longest) = carer.rota.settings.consecutive_nights.longest_run() else {
        return;
    };
    let nights: Vec<(usize, usize)> = starts(carer)
        .filter(|&(_, _, night)| night)
        .map(|(s, day, _)| (s, day))
        .collect();
    for run in nights.chunk_by(|a, b| b.1 <= a.1 + 1) {
        let days = run[run.len() - 1].1 + 1 - run[0].1;
        if days <= longest as usize {
            continue;
        }
        let first = carer.rota.calendar.date_label(run[0].1);
        let message = if longest == 1 {
            format!(
                "Nights on consecutive days from {first}; the organisation does not allow consecutive nights."
            )
        } else {
            format!("{days} nights in a row from {first}; at most {longest} are allowed.")
        };
        let shifts: Vec<usize> = run.iter().map(|&(s, _)| s).collect();
        findings.report(
            RuleId::ConsecutiveNights,
            Some(carer.carer),
            &shifts,
            false,
            message,
            &[("nights", days as f64), ("limit", f64::from(longest))],
        );
    }
}

/// Rule 7: a day shift straight after a night shift needs whole days of rest between.
fn night_to_day_rest(carer: &CarerContext, findings: &mut Findings) {
    let rest_days = carer.rota.settings.night_to_day_rest.rest_days;
    let needed = i64::from(rest_days) * 86_400;
    for pair in carer.shifts.windows(2) {
        let (night, day) = (&carer.rota.shifts[pair[0]], &carer.rota.shifts[pair[1]]);
        if night.kind != ShiftKind::Night || day.kind != ShiftKind::Day || day.start < night.end {
            continue;
        }
        let rest = day.start - night.end;
        if rest < needed {
            findings.report(
                RuleId::NightToDayRest,
                Some(carer.carer),
                pair,
                false,
                format!(
                    "The day shift on {} starts {} after a night shift ends; switching from nights to days needs {rest_days} days' rest.",
                    carer.rota.calendar.when(day.start),
                    hours(rest as f64)
                ),
                &[("rest_hours", rest as f64 / 3600.0), ("needed_hours", needed as f64 / 3600.0)],
            );
        }
    }
}

/// Rule 8: two shifts of one carer that overlap in time.
fn double_booking(carer: &CarerContext, findings: &mut Findings) {
    let shifts = &carer.rota.shifts;
    let mut latest: Option<usize> = None;
    for &s in carer.shifts {
        if let Some(previous) = latest
            && shifts[s].start < shifts[previous].end
        {
            findings.report(
                RuleId::NoDoubleBooking,
                Some(carer.carer),
                &[previous, s],
                false,
                format!(
                    "Booked on two overlapping shifts: {} to {} and {} to {}.",
                    carer.rota.calendar.when(shifts[previous].start),
                    carer.rota.calendar.when(shifts[previous].end),
                    carer.rota.calendar.when(shifts[s].start),
                    carer.rota.calendar.when(shifts[s].end)
                ),
                &[(
                    "overlap_hours",
                    (shifts[previous].end.min(shifts[s].end) - shifts[s].start) as f64 / 3600.0,
                )],
            );
        }
        if latest.is_none_or(|previous| shifts[s].end > shifts[previous].end) {
            latest = Some(s);
        }
    }
}
