//! A realistic, reproducible rota of any size: the benchmarks' workload (native and
//! WASM) and the corpus on which the browser's engine and the server's endpoint are
//! compared. Pure and seeded, so every run of every build sees the same rota.

use super::{Carer, Change, OptOut, Package, RotaInput, RuleSettings, Shift};
use crate::{
    ids::{CarePackageId, ShiftId, TaskId, UserId},
    london,
};
use time::{Date, Duration, macros::date};
use uuid::Uuid;

/// The size of a sample rota.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SampleSize {
    pub carers: u32,
    pub packages: u32,
    /// Weeks being planned, from [`SAMPLE_MONDAY`].
    pub weeks: u32,
    /// Weeks of history before them, for the reference periods.
    pub history_weeks: u32,
}

impl SampleSize {
    /// The benchmark of issue 7: 200 carers, four weeks planned (about 5,000 shift
    /// assignments) on top of 17 weeks of history.
    pub const BENCHMARK: SampleSize = SampleSize {
        carers: 200,
        packages: 45,
        weeks: 4,
        history_weeks: 17,
    };
}

/// The first Monday planned in a sample rota.
pub const SAMPLE_MONDAY: Date = date!(2026 - 11 - 02);

/// Splitmix64: small, fast and good enough to spread carers over shifts.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn id(kind: u128, n: u64) -> Uuid {
    Uuid::from_u128((kind << 96) | u128::from(n))
}

/// A rota of `size` from `seed`. Each package is staffed round the clock in four
/// six-hour shifts (07:00, 13:00, 19:00 and a 01:00 night), one carer each, its team of
/// four or five taking turns in twelve-hour blocks, with one shift in thirty given to
/// someone from elsewhere by mistake. Some carers are under 18, some have opted out,
/// some have their own contracted hours, and most are competent in most tasks: a rota
/// with the handful of problems a real one has, not a random one.
pub fn sample_rota(size: SampleSize, seed: u64) -> RotaInput {
    let mut random = Random(seed);
    let tasks: Vec<TaskId> = (0..20).map(|n| TaskId::from_uuid(id(1, n))).collect();
    let packages: Vec<Package> = (0..u64::from(size.packages))
        .map(|n| Package {
            id: CarePackageId::from_uuid(id(2, n)),
            task_ids: (0..2 + random.below(3))
                .map(|_| tasks[random.below(tasks.len() as u64) as usize])
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
        })
        .collect();
    let carers: Vec<Carer> = (0..u64::from(size.carers))
        .map(|n| Carer {
            id: UserId::from_uuid(id(3, n)),
            date_of_birth: if random.chance(5) {
                Some(date!(2009 - 03 - 14))
            } else {
                Some(date!(1985 - 07 - 01) + Duration::days(random.below(9_000) as i64))
            },
            weekly_hours_limit: random.chance(30).then(|| 36.0 + random.below(13) as f64),
            opt_out: random.chance(20).then_some(OptOut {
                from: date!(2025 - 01 - 01),
                to: None,
            }),
            night_worker: None,
            employed_from: random
                .chance(10)
                .then(|| SAMPLE_MONDAY - Duration::weeks(random.below(20) as i64)),
            competent_task_ids: tasks
                .iter()
                .copied()
                .filter(|_| random.chance(95))
                .collect(),
        })
        .collect();
    // Each package's team: the carers whose number falls to it (four or five each).
    let teams: Vec<Vec<UserId>> = (0..packages.len())
        .map(|p| {
            carers
                .iter()
                .skip(p)
                .step_by(packages.len())
                .map(|c| c.id)
                .collect()
        })
        .collect();

    let first = SAMPLE_MONDAY - Duration::weeks(i64::from(size.history_weeks));
    let days = i64::from(size.weeks + size.history_weeks) * 7;
    let mut shifts = Vec::with_capacity((days as usize) * packages.len() * 4);
    let mut n = 0;
    for (d, day) in (0..days).map(|d| (d, first + Duration::days(d))) {
        for (package, team) in packages.iter().zip(&teams) {
            for (hour, hours, break_minutes) in [(7, 6, 30), (13, 6, 30), (19, 6, 30), (1, 6, 30)] {
                // The team takes turns in twelve-hour blocks: a day (07:00–19:00) or a
                // night (19:00–07:00, whose second half falls on the next date); now
                // and then someone from elsewhere is put in by mistake.
                let block = match hour {
                    7 | 13 => 2 * d,
                    19 => 2 * d + 1,
                    _ => 2 * d - 1,
                };
                let carer = if random.chance(3) || team.is_empty() {
                    carers[random.below(carers.len() as u64) as usize].id
                } else {
                    team[block.rem_euclid(team.len() as i64) as usize]
                };
                let start =
                    london::from_london(day.with_hms(hour, 0, 0).expect("a whole hour")).resolve();
                let end_day = if hour + hours >= 24 {
                    day + Duration::days(1)
                } else {
                    day
                };
                let end = london::from_london(
                    end_day
                        .with_hms((hour + hours) % 24, 0, 0)
                        .expect("a whole hour"),
                )
                .resolve();
                n += 1;
                shifts.push(Shift {
                    id: ShiftId::from_uuid(id(4, n)),
                    package_id: package.id,
                    start,
                    end,
                    carer_ids: vec![carer],
                    kind: None,
                    break_minutes,
                });
            }
        }
    }
    RotaInput {
        carers,
        packages,
        shifts,
        settings: RuleSettings::default(),
        planning_from: Some(SAMPLE_MONDAY),
    }
}

/// The drag the benchmarks repeat, there and back: the first planned shift's carer to
/// a later shift of the same package that they are not on.
pub fn benchmark_moves(input: &RotaInput) -> [Change; 2] {
    let planning_from = london::start_of_day(SAMPLE_MONDAY);
    let from = input
        .shifts
        .iter()
        .find(|s| s.start >= planning_from && !s.carer_ids.is_empty())
        .expect("a staffed planned shift");
    let carer = from.carer_ids[0];
    let to = input
        .shifts
        .iter()
        .find(|s| {
            s.start > from.end && s.package_id == from.package_id && !s.carer_ids.contains(&carer)
        })
        .expect("another shift at the package");
    [
        Change::Move {
            carer,
            from: from.id,
            to: to.id,
        },
        Change::Move {
            carer,
            from: to.id,
            to: from.id,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_benchmark_rota_has_about_5000_planned_assignments() {
        let rota = sample_rota(SampleSize::BENCHMARK, 7);
        let planned = rota
            .shifts
            .iter()
            .filter(|s| london::business_day(s.start) >= SAMPLE_MONDAY)
            .map(|s| s.carer_ids.len())
            .sum::<usize>();
        assert_eq!(planned, 45 * 4 * 28);
        assert_eq!(rota.shifts.len(), 45 * 4 * 7 * 21);
        assert_eq!(
            sample_rota(SampleSize::BENCHMARK, 7),
            rota,
            "the same seed, the same rota"
        );
        let violations = super::super::validate_rota(rota).unwrap();
        assert!(!violations.is_empty(), "a busy rota breaks some rules");
    }
}
