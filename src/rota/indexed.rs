//! The checked, indexed [`Rota`] built from a [`RotaInput`]: Unix seconds, London days
//! and weeks worked out once, carers and shifts by position, the input's limits, and
//! how a shift's kind follows from its times.

use super::model::{Carer, Package, RotaError, RotaInput, ShiftKind};
use super::{RuleSettings, calendar::Calendar};
use crate::{
    ids::{ShiftId, UserId},
    london,
};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};

/// Hard limits on one input, so a hostile request cannot make the server spin.
pub const MAX_CARERS: usize = 5_000;
pub const MAX_SHIFTS: usize = 100_000;
pub const MAX_PACKAGES: usize = 5_000;

/// Night time for deriving shift kinds and night workers: 23:00 to 06:00 London
/// (WTR reg. 2, where no other period is agreed).
pub(super) const NIGHT_START_HOUR: u8 = 23;
pub(super) const NIGHT_END_HOUR: u8 = 6;
/// A shift with at least three hours in night time is a night shift (the same
/// three hours that make someone a night worker).
pub(super) const NIGHT_HOURS_THAT_COUNT: i64 = 3 * 3600;

impl ShiftKind {
    /// DAY or NIGHT from a shift's times: NIGHT when at least three of its hours fall
    /// between 23:00 and 06:00 London time.
    pub fn of_times(start: OffsetDateTime, end: OffsetDateTime) -> ShiftKind {
        let (start, end) = (start.unix_timestamp(), end.unix_timestamp());
        Self::of_night_seconds(Calendar::covering(start, end).night_seconds(start, end))
    }

    pub(super) fn of_night_seconds(night: i64) -> ShiftKind {
        if night >= NIGHT_HOURS_THAT_COUNT {
            ShiftKind::Night
        } else {
            ShiftKind::Day
        }
    }
}

/// One shift, in the engine's own terms (Unix seconds).
#[derive(Clone, Debug)]
pub(super) struct ShiftData {
    pub id: ShiftId,
    pub package: usize,
    pub start: i64,
    pub end: i64,
    pub kind: ShiftKind,
    /// Seconds in night time (23:00–06:00 London).
    pub night: i64,
    /// The calendar day it starts on, and whether it ends in the same week.
    pub start_day: usize,
    pub within_week: bool,
    /// Working seconds: the length less the break.
    pub work: i64,
    pub break_minutes: u32,
    pub carers: Vec<usize>,
    /// Falls (at least partly) on or after `planning_from`.
    pub planned: bool,
}

impl ShiftData {
    pub fn length(&self) -> i64 {
        self.end - self.start
    }

    /// Working seconds inside `[from, to)`, the break spread evenly over the shift.
    pub fn work_within(&self, from: i64, to: i64) -> f64 {
        let overlap = (self.end.min(to) - self.start.max(from)).max(0);
        overlap as f64 * self.work as f64 / self.length() as f64
    }
}

#[derive(Clone, Debug)]
pub(super) struct CarerData {
    pub carer: Carer,
    /// The date they turn 18, when the date of birth is known.
    pub adult_from: Option<Date>,
    /// This carer's shifts, by start time.
    pub shifts: Vec<usize>,
}

/// A checked rota, indexed for the rules. Build it with [`Rota::new`]; change it with
/// the editor's moves (see [`super::Checker`]).
#[derive(Clone, Debug)]
pub struct Rota {
    pub(super) settings: RuleSettings,
    /// `settings.switch(rule)` for every rule, by `rule as usize`.
    pub(super) switches: Vec<super::Switch>,
    pub(super) carers: Vec<CarerData>,
    pub(super) carer_index: HashMap<UserId, usize>,
    pub(super) packages: Vec<Package>,
    pub(super) shifts: Vec<ShiftData>,
    pub(super) shift_index: HashMap<ShiftId, usize>,
    /// `competent[carer][package]`: competent in all of the package's tasks.
    pub(super) competent: Vec<Vec<bool>>,
    pub(super) calendar: Calendar,
    /// The start of the first day planned (`i64::MIN`: everything is planned).
    pub(super) planning_from: i64,
}

impl Rota {
    pub fn new(input: RotaInput) -> Result<Rota, RotaError> {
        let RotaInput {
            carers,
            packages,
            shifts,
            settings,
            planning_from,
        } = input;
        for (what, count, max) in [
            ("carers", carers.len(), MAX_CARERS),
            ("shifts", shifts.len(), MAX_SHIFTS),
            ("packages", packages.len(), MAX_PACKAGES),
        ] {
            if count > max {
                return Err(RotaError::TooMany { what, max });
            }
        }
        if let Some(error) = settings.check().into_iter().next() {
            return Err(RotaError::Settings(error.to_string()));
        }

        let mut package_index = HashMap::with_capacity(packages.len());
        for (i, package) in packages.iter().enumerate() {
            if package_index.insert(package.id, i).is_some() {
                return Err(RotaError::Duplicate(format!("package {}", package.id)));
            }
        }
        let mut carer_index = HashMap::with_capacity(carers.len());
        for (i, carer) in carers.iter().enumerate() {
            if carer_index.insert(carer.id, i).is_some() {
                return Err(RotaError::Duplicate(format!("carer {}", carer.id)));
            }
            if carer
                .weekly_hours_limit
                .is_some_and(|hours| !(hours > 0.0 && hours <= 168.0))
            {
                return Err(RotaError::BadHoursLimit(carer.id));
            }
        }
        let in_range = |date: Date| (2000..=2100).contains(&date.year());
        let competent = carers
            .iter()
            .map(|carer| {
                packages
                    .iter()
                    .map(|package| {
                        package
                            .task_ids
                            .iter()
                            .all(|task| carer.competent_task_ids.contains(task))
                    })
                    .collect()
            })
            .collect();

        // The calendar first (night time and weeks need it), from the span covered.
        let (mut first, mut last) = (i64::MAX, i64::MIN);
        for shift in &shifts {
            if !in_range(shift.start.date()) || !in_range(shift.end.date()) {
                return Err(RotaError::OutOfRange);
            }
            first = first.min(shift.start.unix_timestamp());
            last = last.max(shift.end.unix_timestamp());
        }
        if let Some(day) = planning_from {
            if !in_range(day) {
                return Err(RotaError::OutOfRange);
            }
            let from = london::start_of_day(day).unix_timestamp();
            first = first.min(from);
            last = last.max(from);
        }
        let calendar = Calendar::covering(first, last);
        let planning_from =
            planning_from.map_or(i64::MIN, |day| london::start_of_day(day).unix_timestamp());

        let mut shift_index = HashMap::with_capacity(shifts.len());
        let mut data = Vec::with_capacity(shifts.len());
        for shift in shifts {
            let (start, end) = (shift.start.unix_timestamp(), shift.end.unix_timestamp());
            if end <= start {
                return Err(RotaError::EndsBeforeStart(shift.id));
            }
            if end - start > 24 * 3600 {
                return Err(RotaError::TooLong(shift.id));
            }
            let break_seconds = i64::from(shift.break_minutes) * 60;
            if break_seconds >= end - start {
                return Err(RotaError::BreakTooLong(shift.id));
            }
            let package = *package_index
                .get(&shift.package_id)
                .ok_or(RotaError::UnknownPackage(shift.id, shift.package_id))?;
            let mut on_shift = Vec::with_capacity(shift.carer_ids.len());
            for carer in &shift.carer_ids {
                let index = *carer_index
                    .get(carer)
                    .ok_or(RotaError::UnknownCarer(shift.id, *carer))?;
                if on_shift.contains(&index) {
                    return Err(RotaError::CarerTwice(shift.id, *carer));
                }
                on_shift.push(index);
            }
            if shift_index.insert(shift.id, data.len()).is_some() {
                return Err(RotaError::Duplicate(format!("shift {}", shift.id)));
            }
            let night = calendar.night_seconds(start, end);
            let start_day = calendar.day_of(start);
            data.push(ShiftData {
                start_day,
                within_week: end <= calendar.week_start(start_day / 7 + 1),
                id: shift.id,
                package,
                start,
                end,
                kind: shift.kind.unwrap_or(ShiftKind::of_night_seconds(night)),
                night,
                work: end - start - break_seconds,
                break_minutes: shift.break_minutes,
                carers: on_shift,
                planned: end > planning_from,
            });
        }

        let mut carers: Vec<CarerData> = carers
            .into_iter()
            .map(|carer| CarerData {
                adult_from: carer.date_of_birth.map(eighteenth_birthday),
                carer,
                shifts: Vec::new(),
            })
            .collect();
        for (i, shift) in data.iter().enumerate() {
            for &carer in &shift.carers {
                carers[carer].shifts.push(i);
            }
        }
        for carer in &mut carers {
            carer.shifts.sort_by_key(|&i| (data[i].start, data[i].end));
        }

        Ok(Rota {
            switches: super::RuleId::ALL
                .iter()
                .map(|&rule| settings.switch(rule))
                .collect(),
            settings,
            carers,
            carer_index,
            packages,
            shifts: data,
            shift_index,
            competent,
            calendar,
            planning_from,
        })
    }

    pub fn settings(&self) -> &RuleSettings {
        &self.settings
    }

    /// The carers on a shift.
    pub fn carers_on(&self, shift: ShiftId) -> Vec<UserId> {
        self.shift_index.get(&shift).map_or_else(Vec::new, |&s| {
            self.shifts[s]
                .carers
                .iter()
                .map(|&c| self.carers[c].carer.id)
                .collect()
        })
    }

    /// The carer's working hours inside `[from, to)` (breaks left out).
    pub fn hours_within(&self, carer: UserId, from: OffsetDateTime, to: OffsetDateTime) -> f64 {
        let Some(&c) = self.carer_index.get(&carer) else {
            return 0.0;
        };
        let (from, to) = (from.unix_timestamp(), to.unix_timestamp());
        self.carers[c]
            .shifts
            .iter()
            .map(|&s| self.shifts[s].work_within(from, to))
            .fold(0.0, |total, seconds| total + seconds)
            / 3600.0
    }

    /// Whether the carer is competent in all of the shift's package's tasks.
    pub fn is_competent_for(&self, carer: UserId, shift: ShiftId) -> Option<bool> {
        let carer = *self.carer_index.get(&carer)?;
        let shift = *self.shift_index.get(&shift)?;
        Some(self.competent[carer][self.shifts[shift].package])
    }

    /// Adds a carer to a shift. Returns false if they were already on it.
    pub(super) fn assign(&mut self, shift: usize, carer: usize) -> bool {
        if self.shifts[shift].carers.contains(&carer) {
            return false;
        }
        self.shifts[shift].carers.push(carer);
        let key = |i: &usize| (self.shifts[*i].start, self.shifts[*i].end, *i);
        let list = &self.carers[carer].shifts;
        let at = list.partition_point(|i| key(i) < key(&shift));
        self.carers[carer].shifts.insert(at, shift);
        true
    }

    /// Takes a carer off a shift. Returns false if they were not on it.
    pub(super) fn unassign(&mut self, shift: usize, carer: usize) -> bool {
        let Some(at) = self.shifts[shift].carers.iter().position(|&c| c == carer) else {
            return false;
        };
        self.shifts[shift].carers.remove(at);
        self.carers[carer].shifts.retain(|&s| s != shift);
        true
    }
}

/// The day someone born on `birth` turns 18 (a 29 February birthday falls on 1 March).
fn eighteenth_birthday(birth: Date) -> Date {
    let year = birth.year() + 18;
    Date::from_calendar_date(year, birth.month(), birth.day()).unwrap_or_else(|_| {
        Date::from_calendar_date(year, time::Month::March, 1).expect("1 March exists")
    })
}
