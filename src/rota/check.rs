//! Running the rules: a full validation, and the incremental [`Checker`] the editor
//! keeps while a manager drags carers about.
//!
//! Every rule is either about one carer (their hours, rests, nights, weekends) or about
//! one shift (who is on it). A move of one carer between two shifts can therefore only
//! change the findings of that carer and of those two shifts; the checker re-runs just
//! those and keeps everything else.

use super::{
    RuleId, Severity,
    indexed::Rota,
    model::{RotaError, RotaInput},
    provider,
    violation::{Details, Violation, sort_violations},
    wtr,
};
use crate::ids::{ShiftId, UserId};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Checks `input` and validates it in full.
pub fn validate_rota(input: RotaInput) -> Result<Vec<Violation>, RotaError> {
    Ok(Rota::new(input)?.validate())
}

impl Rota {
    /// Every violation in the rota, in [`sort_violations`] order.
    pub fn validate(&self) -> Vec<Violation> {
        let mut all = Vec::new();
        for carer in 0..self.carers.len() {
            carer_findings(self, carer, &mut all);
        }
        for shift in 0..self.shifts.len() {
            shift_findings(self, shift, &mut all);
        }
        sort_violations(&mut all);
        all
    }
}

fn carer_findings(rota: &Rota, carer: usize, out: &mut Vec<Violation>) {
    if rota.carers[carer].shifts.is_empty() {
        return;
    }
    let mut findings = Findings { rota, out };
    let context = CarerContext::new(rota, carer);
    for (rule, check) in provider::CARER_RULES.iter().chain(&wtr::CARER_RULES) {
        if findings.enabled(*rule) {
            check(&context, &mut findings);
        }
    }
}

/// A rule about one carer: it reads their shifts and reports what it finds.
pub(super) type CarerRule = fn(&CarerContext, &mut Findings);

fn shift_findings(rota: &Rota, shift: usize, out: &mut Vec<Violation>) {
    // Only what is being planned is reported (see `Findings::report`).
    if !rota.shifts[shift].planned {
        return;
    }
    let mut findings = Findings { rota, out };
    provider::shift_rules(rota, shift, &mut findings);
}

/// One carer's shifts and weekly working time, worked out once for all their rules.
pub(super) struct CarerContext<'a> {
    pub rota: &'a Rota,
    pub carer: usize,
    /// All of the carer's shifts (indexes into `rota.shifts`), by start: for the
    /// averages over the reference period.
    pub all: &'a [usize],
    /// The ones from shortly before the planning starts: the rules about rests, nights,
    /// weekends and bookings look back two weeks at most, and skipping the months of
    /// history makes a full check several times faster.
    pub shifts: &'a [usize],
    /// Working seconds in each calendar week.
    pub week_work: Vec<f64>,
    planned_weeks: Vec<usize>,
    /// The calendar day of their 18th birthday (may fall outside the calendar).
    adult_day: Option<i64>,
}

/// How far before the planning the pattern rules look (a fortnight of weekly rest, and
/// the weekend and the week before it).
const LOOKBACK: i64 = 15 * 86_400;

impl<'a> CarerContext<'a> {
    fn new(rota: &'a Rota, carer: usize) -> Self {
        let all = &rota.carers[carer].shifts[..];
        let longest_run = rota.settings.consecutive_nights.longest_run().unwrap_or(0);
        let lookback = LOOKBACK + i64::from(longest_run) * 86_400;
        let recent_from = rota.planning_from.saturating_sub(lookback);
        let shifts = &all[all.partition_point(|&s| rota.shifts[s].start < recent_from)..];
        let mut week_work = vec![0.0; rota.calendar.weeks()];
        for &s in all {
            let shift = &rota.shifts[s];
            if shift.within_week {
                week_work[shift.start_day / 7] += shift.work as f64;
            } else {
                rota.calendar
                    .split_by_week(shift.start, shift.end, |week, from, to| {
                        week_work[week] += shift.work_within(from, to);
                    });
            }
        }
        let mut planned_weeks: Vec<usize> = Vec::new();
        for &s in shifts {
            let shift = &rota.shifts[s];
            if shift.planned {
                rota.calendar
                    .split_by_week(shift.start, shift.end, |week, _, _| {
                        if !planned_weeks.contains(&week) {
                            planned_weeks.push(week);
                        }
                    });
            }
        }
        planned_weeks.sort_unstable();
        CarerContext {
            rota,
            carer,
            all,
            shifts,
            week_work,
            planned_weeks,
            adult_day: rota.carers[carer]
                .adult_from
                .map(|adult| rota.calendar.day_number(adult)),
        }
    }

    pub fn data(&self) -> &'a super::indexed::CarerData {
        &self.rota.carers[self.carer]
    }

    /// The carer's shifts overlapping `[from, to)`.
    pub fn shifts_within(&self, from: i64, to: i64) -> Vec<usize> {
        let end = self
            .all
            .partition_point(|&s| self.rota.shifts[s].start < to);
        self.all[..end]
            .iter()
            .copied()
            .filter(|&s| self.rota.shifts[s].end > from)
            .collect()
    }

    pub fn shifts_in_week(&self, week: usize) -> Vec<usize> {
        let calendar = &self.rota.calendar;
        self.shifts_within(calendar.week_start(week), calendar.week_start(week + 1))
    }

    /// Weeks in which the carer has a shift still being planned.
    pub fn planned_weeks(&self) -> impl Iterator<Item = usize> + '_ {
        self.planned_weeks.iter().copied()
    }

    /// Whether the carer is under 18 on the calendar day `day`.
    pub fn young_on_day(&self, day: usize) -> bool {
        self.adult_day.is_some_and(|adult| (day as i64) < adult)
    }

    pub fn young_in_week(&self, week: usize) -> bool {
        self.young_on_day(week * 7)
    }

    pub fn young_at(&self, t: i64) -> bool {
        self.young_on_day(self.rota.calendar.day_of(t))
    }
}

/// Where the rules put what they find.
pub(super) struct Findings<'a, 'b> {
    rota: &'a Rota,
    out: &'b mut Vec<Violation>,
}

impl Findings<'_, '_> {
    pub fn enabled(&self, rule: RuleId) -> bool {
        self.rota.switches[rule as usize].enabled
    }

    /// Records a breach, unless every shift in it is history.
    pub fn report(
        &mut self,
        rule: RuleId,
        carer: Option<usize>,
        shifts: &[usize],
        young_worker: bool,
        message: String,
        details: &[(&'static str, f64)],
    ) {
        if !shifts.iter().any(|&s| self.rota.shifts[s].planned) {
            return;
        }
        let switch = self.rota.switches[rule as usize];
        let mut shift_ids: Vec<ShiftId> = shifts.iter().map(|&s| self.rota.shifts[s].id).collect();
        if shift_ids.len() > 1 {
            shift_ids.sort_unstable();
            shift_ids.dedup();
        }
        self.out.push(Violation {
            rule,
            severity: switch.severity,
            overridable: (switch.severity == Severity::Warning || switch.overridable)
                && rule.law_allows_override(young_worker),
            carer_id: carer.map(|c| self.rota.carers[c].carer.id),
            shift_ids,
            message,
            details: {
                // Sorted by name, as the JSON object a client reads back.
                let mut list: Vec<(Cow<'static, str>, f64)> = details
                    .iter()
                    .map(|&(name, value)| (Cow::Borrowed(name), round_to(value, 2)))
                    .collect();
                if list.len() > 1 {
                    list.sort_by(|a, b| a.0.cmp(&b.0));
                }
                Details(list)
            },
        });
    }
}

fn round_to(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}

/// Seconds as hours for people: "36 h", "49.3 h"; written straight into the message
/// (integer arithmetic: this runs for every violation).
pub(super) fn hours(seconds: f64) -> Hours {
    Hours((seconds / 360.0).round() as i64)
}

/// Tenths of an hour.
pub(super) struct Hours(i64);

impl std::fmt::Display for Hours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = self.0;
        if tenths % 10 == 0 {
            write!(f, "{} h", tenths / 10)
        } else {
            write!(f, "{}.{} h", tenths / 10, (tenths % 10).abs())
        }
    }
}

/// A change the editor makes, re-checked incrementally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    Assign {
        carer: UserId,
        shift: ShiftId,
    },
    Unassign {
        carer: UserId,
        shift: ShiftId,
    },
    Move {
        carer: UserId,
        from: ShiftId,
        to: ShiftId,
    },
}

impl Change {
    /// The change that undoes this one.
    pub fn inverse(self) -> Change {
        match self {
            Change::Assign { carer, shift } => Change::Unassign { carer, shift },
            Change::Unassign { carer, shift } => Change::Assign { carer, shift },
            Change::Move { carer, from, to } => Change::Move {
                carer,
                from: to,
                to: from,
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    #[error("carer {0} is not in the rota")]
    UnknownCarer(UserId),
    #[error("shift {0} is not in the rota")]
    UnknownShift(ShiftId),
    #[error("the carer is already on that shift")]
    AlreadyOn,
    #[error("the carer is not on that shift")]
    NotOn,
}

/// A rota and its violations, kept current move by move.
#[derive(Clone, Debug)]
pub struct Checker {
    rota: Rota,
    by_carer: Vec<Vec<Violation>>,
    by_shift: Vec<Vec<Violation>>,
}

impl Checker {
    pub fn new(rota: Rota) -> Checker {
        let mut checker = Checker {
            by_carer: vec![Vec::new(); rota.carers.len()],
            by_shift: vec![Vec::new(); rota.shifts.len()],
            rota,
        };
        for carer in 0..checker.rota.carers.len() {
            checker.recheck_carer(carer);
        }
        for shift in 0..checker.rota.shifts.len() {
            checker.recheck_shift(shift);
        }
        checker
    }

    pub fn rota(&self) -> &Rota {
        &self.rota
    }

    /// Every violation, in [`sort_violations`] order: the same as a full validation.
    pub fn violations(&self) -> Vec<Violation> {
        let mut all: Vec<Violation> = self
            .by_carer
            .iter()
            .chain(&self.by_shift)
            .flatten()
            .cloned()
            .collect();
        sort_violations(&mut all);
        all
    }

    /// Applies one change and re-checks only what it touches. Returns the carers and
    /// shifts whose findings were recomputed.
    pub fn apply(&mut self, change: Change) -> Result<(Vec<UserId>, Vec<ShiftId>), ChangeError> {
        let carer_of = |rota: &Rota, id: UserId| {
            rota.carer_index
                .get(&id)
                .copied()
                .ok_or(ChangeError::UnknownCarer(id))
        };
        let shift_of = |rota: &Rota, id: ShiftId| {
            rota.shift_index
                .get(&id)
                .copied()
                .ok_or(ChangeError::UnknownShift(id))
        };
        let (carer, touched) = match change {
            Change::Assign { carer, shift } => {
                let (c, s) = (carer_of(&self.rota, carer)?, shift_of(&self.rota, shift)?);
                if !self.rota.assign(s, c) {
                    return Err(ChangeError::AlreadyOn);
                }
                (c, vec![s])
            }
            Change::Unassign { carer, shift } => {
                let (c, s) = (carer_of(&self.rota, carer)?, shift_of(&self.rota, shift)?);
                if !self.rota.unassign(s, c) {
                    return Err(ChangeError::NotOn);
                }
                (c, vec![s])
            }
            Change::Move { carer, from, to } => {
                let c = carer_of(&self.rota, carer)?;
                let (f, t) = (shift_of(&self.rota, from)?, shift_of(&self.rota, to)?);
                if f == t {
                    return Ok((vec![carer], vec![from]));
                }
                if self.rota.shifts[t].carers.contains(&c) {
                    return Err(ChangeError::AlreadyOn);
                }
                if !self.rota.unassign(f, c) {
                    return Err(ChangeError::NotOn);
                }
                self.rota.assign(t, c);
                (c, vec![f, t])
            }
        };
        self.recheck_carer(carer);
        for &s in &touched {
            self.recheck_shift(s);
        }
        Ok((
            vec![self.rota.carers[carer].carer.id],
            touched.iter().map(|&s| self.rota.shifts[s].id).collect(),
        ))
    }

    /// The violations about one carer or naming one shift.
    pub fn violations_for_shift(&self, shift: ShiftId) -> Vec<Violation> {
        self.by_carer
            .iter()
            .chain(&self.by_shift)
            .flatten()
            .filter(|v| v.shift_ids.contains(&shift))
            .cloned()
            .collect()
    }

    /// The findings about carer `carer` (by index) and those of shift `shift`.
    pub(super) fn findings_about(&self, carer: usize, shift: usize) -> Vec<Violation> {
        self.by_carer[carer]
            .iter()
            .chain(&self.by_shift[shift])
            .cloned()
            .collect()
    }

    fn recheck_carer(&mut self, carer: usize) {
        let mut found = Vec::new();
        carer_findings(&self.rota, carer, &mut found);
        self.by_carer[carer] = found;
    }

    fn recheck_shift(&mut self, shift: usize) {
        let mut found = Vec::new();
        shift_findings(&self.rota, shift, &mut found);
        self.by_shift[shift] = found;
    }
}
