//! One test per rule for a pass, a breach and the boundary; worked examples from the
//! gov.uk / nidirect / ACAS guidance named as such; property tests for the engine.

use super::*;
use crate::{
    ids::{CarePackageId, ShiftId, TaskId, UserId},
    london,
};
use proptest::prelude::*;
use time::{Date, Duration, OffsetDateTime, macros::date};
use uuid::Uuid;

/// Monday 2 November 2026 (GMT).
const MONDAY: Date = date!(2026 - 11 - 02);
const PACKAGE: u128 = 1;
const TASK: u128 = 2;

/// A rota written test by test.
struct Plan {
    input: RotaInput,
    next: u128,
}

impl Plan {
    fn new() -> Plan {
        Plan {
            input: RotaInput {
                packages: vec![Package {
                    id: CarePackageId::from_uuid(Uuid::from_u128(PACKAGE)),
                    task_ids: vec![TaskId::from_uuid(Uuid::from_u128(TASK))],
                }],
                ..RotaInput::default()
            },
            next: 1_000,
        }
    }

    fn id(&mut self) -> Uuid {
        self.next += 1;
        Uuid::from_u128(self.next)
    }

    fn carer(&mut self, competent: bool) -> UserId {
        let id = UserId::from_uuid(self.id());
        self.input.carers.push(Carer {
            id,
            date_of_birth: None,
            weekly_hours_limit: None,
            opt_out: None,
            night_worker: None,
            employed_from: None,
            competent_task_ids: if competent {
                vec![TaskId::from_uuid(Uuid::from_u128(TASK))]
            } else {
                Vec::new()
            },
        });
        id
    }

    fn edit(&mut self, carer: UserId) -> &mut Carer {
        self.input
            .carers
            .iter_mut()
            .find(|c| c.id == carer)
            .unwrap()
    }

    /// A shift starting at `hour:minute` London time on `day`, `hours` long, no break.
    fn shift(&mut self, carers: &[UserId], day: Date, hour: u8, hours: f64) -> ShiftId {
        self.shift_with_break(carers, day, hour, hours, 0)
    }

    fn shift_with_break(
        &mut self,
        carers: &[UserId],
        day: Date,
        hour: u8,
        hours: f64,
        break_minutes: u32,
    ) -> ShiftId {
        let id = ShiftId::from_uuid(self.id());
        let start = london_time(day, hour);
        self.input.shifts.push(Shift {
            id,
            package_id: CarePackageId::from_uuid(Uuid::from_u128(PACKAGE)),
            start,
            end: start + Duration::seconds_f64(hours * 3600.0),
            carer_ids: carers.to_vec(),
            kind: None,
            break_minutes,
        });
        id
    }

    /// The same shift every day for `days` days from `first`.
    fn daily(&mut self, carer: UserId, first: Date, days: i64, hour: u8, hours: f64) {
        for d in 0..days {
            self.shift(&[carer], first + Duration::days(d), hour, hours);
        }
    }

    fn switch_on(&mut self, rule: RuleId) {
        let mut switch = rule.default_switch();
        switch.enabled = true;
        self.input.settings.switches.insert(rule, switch);
    }

    fn violations(&self) -> Vec<Violation> {
        validate_rota(self.input.clone()).expect("a valid rota")
    }

    fn of(&self, rule: RuleId) -> Vec<Violation> {
        self.violations()
            .into_iter()
            .filter(|v| v.rule == rule)
            .collect()
    }
}

fn london_time(day: Date, hour: u8) -> OffsetDateTime {
    london::from_london(day.with_hms(hour, 0, 0).unwrap()).resolve()
}

fn week(n: i64) -> Date {
    MONDAY + Duration::weeks(n)
}

// ---- 1 and 2: competence and supervision --------------------------------------------

#[test]
fn a_competent_carer_alone_staffs_a_shift() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    plan.shift(&[sam], MONDAY, 8, 8.0);
    assert!(plan.of(RuleId::CompetentOnEveryShift).is_empty());
    assert!(plan.of(RuleId::SupervisedNonCompetent).is_empty());
}

#[test]
fn a_non_competent_carer_alone_breaks_both_competence_rules() {
    let mut plan = Plan::new();
    let ali = plan.carer(false);
    let night = plan.shift(&[ali], MONDAY, 20, 12.0);
    let shift_rule = plan.of(RuleId::CompetentOnEveryShift);
    assert_eq!(shift_rule.len(), 1);
    assert_eq!(shift_rule[0].carer_id, None);
    assert_eq!(shift_rule[0].shift_ids, vec![night]);
    assert!(shift_rule[0].blocks_publishing());
    let supervision = plan.of(RuleId::SupervisedNonCompetent);
    assert_eq!(supervision.len(), 1);
    assert_eq!(supervision[0].carer_id, Some(ali));
    assert!(
        supervision[0].message.contains("no competent carer"),
        "{}",
        supervision[0].message
    );
}

#[test]
fn a_non_competent_carer_alongside_a_competent_one_is_supervised() {
    let mut plan = Plan::new();
    let (sam, ali, jo) = (plan.carer(true), plan.carer(false), plan.carer(false));
    plan.shift(&[ali, sam, jo], MONDAY, 20, 12.0);
    assert!(plan.of(RuleId::SupervisedNonCompetent).is_empty());
    assert!(plan.of(RuleId::CompetentOnEveryShift).is_empty());
}

#[test]
fn empty_shifts_and_packages_without_tasks_need_no_competence() {
    let mut plan = Plan::new();
    let ali = plan.carer(false);
    plan.shift(&[], MONDAY, 8, 8.0);
    plan.input.packages[0].task_ids.clear();
    plan.shift(&[ali], MONDAY + Duration::days(1), 8, 8.0);
    assert!(plan.of(RuleId::CompetentOnEveryShift).is_empty());
    assert!(plan.of(RuleId::SupervisedNonCompetent).is_empty());
}

// ---- 3: contracted hours ---------------------------------------------------------------

#[test]
fn contracted_hours_are_checked_per_monday_to_sunday_week() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    for d in 0..3 {
        plan.shift(&[sam], MONDAY + Duration::days(d), 8, 12.0);
    }
    assert!(
        plan.of(RuleId::MaxContractedHours).is_empty(),
        "exactly 36 h is within 36 h"
    );
    plan.shift(&[sam], MONDAY + Duration::days(4), 8, 0.5);
    let found = plan.of(RuleId::MaxContractedHours);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].details["hours"], 36.5);
    assert_eq!(found[0].details["limit_hours"], 36.0);
    assert!(found[0].message.contains("36.5 h"), "{}", found[0].message);
    assert!(
        found[0].overridable,
        "a warning can be accepted with a reason"
    );

    plan.edit(sam).weekly_hours_limit = Some(37.5);
    assert!(
        plan.of(RuleId::MaxContractedHours).is_empty(),
        "the carer's own contract"
    );
}

#[test]
fn a_sunday_night_shift_counts_in_both_weeks() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    plan.edit(sam).weekly_hours_limit = Some(6.0);
    // Sunday 20:00 to Monday 08:00: 4 h in one week, 8 h in the next.
    plan.shift(&[sam], MONDAY + Duration::days(6), 20, 12.0);
    let found = plan.of(RuleId::MaxContractedHours);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].details["hours"], 8.0);
    assert!(
        found[0].message.contains("9 Nov 2026"),
        "{}",
        found[0].message
    );
}

#[test]
fn breaks_are_not_working_time() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    plan.edit(sam).weekly_hours_limit = Some(11.5);
    plan.shift_with_break(&[sam], MONDAY, 8, 12.0, 30);
    assert!(plan.of(RuleId::MaxContractedHours).is_empty());
}

// ---- 4: rotation pattern ---------------------------------------------------------------

#[test]
fn rotation_is_off_by_default_and_alternates_when_on() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    plan.shift(&[sam], week(0), 8, 12.0);
    plan.shift(&[sam], week(1), 8, 12.0);
    assert!(
        plan.of(RuleId::RotationPattern).is_empty(),
        "off by default"
    );
    plan.switch_on(RuleId::RotationPattern);
    let found = plan.of(RuleId::RotationPattern);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].message.contains("Two day weeks in a row"),
        "{}",
        found[0].message
    );
}

#[test]
fn day_week_then_night_week_passes_but_mixing_fails() {
    let mut plan = Plan::new();
    plan.switch_on(RuleId::RotationPattern);
    let sam = plan.carer(true);
    plan.shift(&[sam], week(0), 8, 12.0);
    plan.shift(&[sam], week(1), 20, 12.0);
    // An empty week resets the pattern.
    plan.shift(&[sam], week(3), 20, 12.0);
    assert!(plan.of(RuleId::RotationPattern).is_empty());
    plan.shift(&[sam], week(3) + Duration::days(3), 8, 12.0);
    let found = plan.of(RuleId::RotationPattern);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].message.contains("same week"),
        "{}",
        found[0].message
    );
}

// ---- 5: weekends -------------------------------------------------------------------------

#[test]
fn two_weekends_in_a_row_are_flagged_but_alternate_weekends_are_not() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    let saturday = MONDAY + Duration::days(5);
    plan.shift(&[sam], saturday, 8, 8.0);
    plan.shift(&[sam], saturday + Duration::weeks(2), 8, 8.0);
    assert!(plan.of(RuleId::NoConsecutiveWeekends).is_empty());
    let sunday_between = plan.shift(&[sam], saturday + Duration::days(8), 8, 8.0);
    let found = plan.of(RuleId::NoConsecutiveWeekends);
    assert_eq!(found.len(), 1, "one run of three weekends, one finding");
    assert_eq!(found[0].shift_ids.len(), 3);
    assert!(found[0].shift_ids.contains(&sunday_between));
    assert_eq!(found[0].details["weekends"], 3.0);
    assert!(
        found[0].message.starts_with("Works 3 weekends in a row"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_friday_night_ending_on_saturday_morning_is_not_a_weekend_worked() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    let friday = MONDAY + Duration::days(4);
    plan.shift(&[sam], friday, 20, 12.0);
    plan.shift(&[sam], friday + Duration::days(8), 8, 8.0);
    assert!(plan.of(RuleId::NoConsecutiveWeekends).is_empty());
}

// ---- 6: consecutive nights ---------------------------------------------------------------

#[test]
fn consecutive_nights_follow_the_organisations_setting() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    plan.daily(sam, MONDAY, 4, 20, 10.0);
    assert!(
        plan.of(RuleId::ConsecutiveNights).is_empty(),
        "allowed, no limit: the default"
    );

    plan.input.settings.consecutive_nights.max_run = Some(4);
    assert!(
        plan.of(RuleId::ConsecutiveNights).is_empty(),
        "4 nights, limit 4"
    );
    plan.input.settings.consecutive_nights.max_run = Some(3);
    let found = plan.of(RuleId::ConsecutiveNights);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].shift_ids.len(), 4);
    assert!(
        found[0].message.contains("4 nights in a row"),
        "{}",
        found[0].message
    );

    plan.input.settings.consecutive_nights = ConsecutiveNights {
        allowed: Some(false),
        max_run: None,
    };
    assert!(
        plan.of(RuleId::ConsecutiveNights)[0]
            .message
            .contains("does not allow")
    );
}

// ---- 7: nights to days -------------------------------------------------------------------

#[test]
fn switching_from_nights_to_days_needs_two_days_rest() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    // Night Monday 20:00 → Tuesday 08:00.
    plan.shift(&[sam], MONDAY, 20, 12.0);
    // Day shift Thursday 08:00: exactly 48 h later.
    let thursday = plan.shift(&[sam], MONDAY + Duration::days(3), 8, 12.0);
    assert!(plan.of(RuleId::NightToDayRest).is_empty());
    plan.input.shifts.retain(|s| s.id != thursday);
    plan.shift(&[sam], MONDAY + Duration::days(2), 8, 12.0);
    let found = plan.of(RuleId::NightToDayRest);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].details["rest_hours"], 24.0);
    assert_eq!(found[0].details["needed_hours"], 48.0);
}

// ---- 8: double booking -------------------------------------------------------------------

#[test]
fn overlapping_shifts_are_double_booking_but_back_to_back_are_not() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    plan.shift(&[sam], MONDAY, 8, 4.0);
    plan.shift(&[sam], MONDAY, 12, 4.0);
    assert!(plan.of(RuleId::NoDoubleBooking).is_empty());
    plan.shift(&[sam], MONDAY, 14, 4.0);
    let found = plan.of(RuleId::NoDoubleBooking);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].details["overlap_hours"], 2.0);
    assert!(found[0].blocks_publishing());
}

// ---- 9: the 48-hour average week -------------------------------------------------------

/// `hours` of work in each of the weeks `0..weeks`: days of 8 h from Monday, then the
/// remainder on the next day.
fn weeks_of(plan: &mut Plan, carer: UserId, weekly: &[f64]) {
    for (w, &hours) in weekly.iter().enumerate() {
        let mut left = hours;
        let mut day = week(w as i64);
        while left > 0.0 {
            plan.shift(&[carer], day, 7, left.min(10.0));
            left -= 10.0;
            day += Duration::days(1);
        }
    }
}

#[test]
fn nidirect_example_one_40_hours_and_10_weeks_of_12_hours_overtime_averages_47_1() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    let mut weekly = vec![52.0; 10];
    weekly.extend([40.0; 7]);
    weeks_of(&mut plan, sam, &weekly);
    plan.input.planning_from = Some(week(16));
    assert!(
        plan.of(RuleId::WtrWeeklyAverage).is_empty(),
        "800 h / 17 = 47.1 h"
    );
}

#[test]
fn two_more_weeks_of_overtime_take_the_average_over_48() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    let mut weekly = vec![52.0; 12];
    weekly.extend([40.0; 5]);
    weeks_of(&mut plan, sam, &weekly);
    plan.input.planning_from = Some(week(16));
    let found = plan.of(RuleId::WtrWeeklyAverage);
    assert_eq!(found.len(), 1);
    // 824 h / 17 weeks.
    assert_eq!(found[0].details["average_hours"], 48.47);
    assert_eq!(found[0].details["reference_weeks"], 17.0);
    assert!(
        found[0]
            .message
            .contains("Average 48.5 h/week over the 17 weeks"),
        "{}",
        found[0].message
    );
    assert!(
        !found[0].overridable,
        "only an opt-out lifts the 48-hour average"
    );
}

#[test]
fn exactly_48_hours_on_average_is_within_the_limit() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    weeks_of(&mut plan, sam, &[48.0; 17]);
    assert!(plan.of(RuleId::WtrWeeklyAverage).is_empty());
}

#[test]
fn an_opt_out_lifts_only_the_48_hour_average() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    weeks_of(&mut plan, sam, &[60.0; 17]);
    plan.input.planning_from = Some(week(16));
    assert_eq!(plan.of(RuleId::WtrWeeklyAverage).len(), 1);
    plan.edit(sam).opt_out = Some(OptOut {
        from: week(0),
        to: None,
    });
    assert!(plan.of(RuleId::WtrWeeklyAverage).is_empty());
    // An opt-out that ends mid-week does not cover that week.
    plan.edit(sam).opt_out = Some(OptOut {
        from: week(0),
        to: Some(week(16) + Duration::days(2)),
    });
    assert_eq!(plan.of(RuleId::WtrWeeklyAverage).len(), 1);
    // Other rules still apply to someone who has opted out: 6 days of 10 h in a row
    // with only 14 h rest leaves no 24 h rest if the seventh day is worked too.
    plan.edit(sam).opt_out = Some(OptOut {
        from: week(0),
        to: None,
    });
    plan.shift(&[sam], week(16) + Duration::days(6), 7, 10.0);
    assert!(!plan.of(RuleId::WtrWeeklyRest).is_empty());
}

#[test]
fn the_reference_period_is_26_weeks_when_configured_and_shorter_for_new_starters() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    // 9 weeks of 60 h, then 8 weeks of 40 h: 860 h / 17 = 50.6 h.
    let mut weekly = vec![60.0; 9];
    weekly.extend([40.0; 8]);
    weeks_of(&mut plan, sam, &weekly);
    plan.input.planning_from = Some(week(16));
    assert_eq!(plan.of(RuleId::WtrWeeklyAverage).len(), 1);
    // Over 26 weeks (9 of them before these records, with no work): 860 / 26 = 33.1 h.
    plan.input.settings.wtr_weekly_average.reference_weeks = 26;
    assert!(plan.of(RuleId::WtrWeeklyAverage).is_empty());
    // But someone who started in week 0 has only worked 17 weeks (reg. 4(4)).
    plan.edit(sam).employed_from = Some(week(0));
    let found = plan.of(RuleId::WtrWeeklyAverage);
    assert_eq!(found[0].details["reference_weeks"], 17.0);
}

// ---- 10: daily rest ----------------------------------------------------------------------

#[test]
fn gov_uk_example_finishing_at_8pm_means_not_starting_before_7am() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    plan.shift(&[sam], MONDAY, 8, 12.0); // ends 20:00
    let tuesday = MONDAY + Duration::days(1);
    let early = plan.shift(&[sam], tuesday, 7, 8.0);
    assert!(plan.of(RuleId::WtrDailyRest).is_empty(), "exactly 11 h");
    plan.input.shifts.retain(|s| s.id != early);
    plan.shift(&[sam], tuesday, 6, 8.0);
    let found = plan.of(RuleId::WtrDailyRest);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].details["longest_rest_hours"], 10.0);
    assert!(
        found[0].message.contains("Less than 11 h of rest"),
        "{}",
        found[0].message
    );
}

#[test]
fn a_split_shift_still_leaves_eleven_hours_overnight() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    for d in 0..3 {
        let day = MONDAY + Duration::days(d);
        plan.shift(&[sam], day, 7, 3.0);
        plan.shift(&[sam], day, 16, 4.0); // ends 20:00, 11 h before 07:00
    }
    assert!(plan.of(RuleId::WtrDailyRest).is_empty());
    plan.input.shifts.last_mut().unwrap().end += Duration::hours(3); // to 23:00
    plan.shift(&[sam], MONDAY + Duration::days(3), 7, 3.0);
    let found = plan.of(RuleId::WtrDailyRest);
    assert_eq!(found.len(), 1, "one finding for one short night");
    assert_eq!(found[0].details["longest_rest_hours"], 8.0);
}

#[test]
fn young_workers_need_twelve_hours_daily_rest() {
    let mut plan = Plan::new();
    let kim = plan.carer(true);
    plan.edit(kim).date_of_birth = Some(date!(2009 - 06 - 01)); // 17 in November 2026
    plan.shift(&[kim], MONDAY, 9, 7.0); // ends 16:00
    plan.shift(&[kim], MONDAY + Duration::days(1), 3, 4.0); // 11 h later
    let found = plan.of(RuleId::WtrDailyRest);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].details["needed_hours"], 12.0);
    assert!(
        !found[0].overridable,
        "no special-case exception for young workers"
    );
}

#[test]
fn overnight_shifts_cross_the_clock_change_at_their_real_length() {
    // Saturday 24 October 2026, 22:00 BST to Sunday 08:00 GMT is 11 hours, not 10.
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    plan.edit(sam).weekly_hours_limit = Some(10.5);
    let saturday = date!(2026 - 10 - 24);
    let start = london_time(saturday, 22);
    let end = london_time(saturday + Duration::days(1), 8);
    assert_eq!(end - start, Duration::hours(11));
    plan.input.shifts.push(Shift {
        id: ShiftId::from_uuid(Uuid::from_u128(77)),
        package_id: CarePackageId::from_uuid(Uuid::from_u128(PACKAGE)),
        start,
        end,
        carer_ids: vec![sam],
        kind: None,
        break_minutes: 0,
    });
    let found = plan.of(RuleId::MaxContractedHours);
    assert_eq!(found[0].details["hours"], 11.0);
    assert_eq!(ShiftKind::of_times(start, end), ShiftKind::Night);
}

// ---- 11: weekly rest -------------------------------------------------------------------

#[test]
fn twenty_four_hours_off_in_a_week_is_enough() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    // Monday to Saturday, 08:00–20:00; Saturday 20:00 to the next Monday 08:00 is free.
    plan.daily(sam, MONDAY, 6, 8, 12.0);
    assert!(plan.of(RuleId::WtrWeeklyRest).is_empty());
}

#[test]
fn gov_uk_48_hours_in_a_fortnight_covers_a_week_without_a_day_off() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    // Seven days of 07:00–21:00: the longest rest in the week is 10 h ...
    plan.daily(sam, MONDAY, 7, 7, 14.0);
    let found = plan.of(RuleId::WtrWeeklyRest);
    // ... but the other week of the fortnight is free, so 48 h is had.
    assert!(found.is_empty(), "{found:?}");
    // Working both weeks of the fortnight breaks the rule in each.
    let (first, _) = fortnight_of(&plan);
    plan.input.shifts.clear();
    plan.daily(sam, first, 14, 7, 14.0);
    let found = plan.of(RuleId::WtrWeeklyRest);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].details["longest_rest_hours"], 10.0);
    assert!(
        found[0].message.contains("in the fortnight from"),
        "{}",
        found[0].message
    );
}

/// The Monday starting the fortnight that holds `MONDAY`, and the other week's Monday.
fn fortnight_of(plan: &Plan) -> (Date, Date) {
    let rota = Rota::new(plan.input.clone()).unwrap();
    let week = rota.calendar.week_number(MONDAY) as usize;
    if rota.calendar.starts_fortnight(week) {
        (MONDAY, MONDAY + Duration::weeks(1))
    } else {
        (MONDAY - Duration::weeks(1), MONDAY)
    }
}

#[test]
fn young_workers_need_48_hours_off_every_week() {
    let mut plan = Plan::new();
    let kim = plan.carer(true);
    plan.edit(kim).date_of_birth = Some(date!(2009 - 06 - 01));
    // Monday to Friday 09:00–16:00 leaves Friday 16:00 → Monday 09:00 free in that
    // week's tail (56 h); Saturday work cuts it.
    plan.daily(kim, MONDAY, 5, 9, 7.0);
    assert!(plan.of(RuleId::WtrWeeklyRest).is_empty());
    plan.shift(&[kim], MONDAY + Duration::days(5), 9, 7.0);
    let found = plan.of(RuleId::WtrWeeklyRest);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].details["needed_hours"], 48.0);
}

// ---- 12: rest breaks -------------------------------------------------------------------

#[test]
fn gov_uk_a_20_minute_break_when_working_more_than_6_hours() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    plan.shift(&[sam], MONDAY, 8, 6.0);
    assert!(
        plan.of(RuleId::WtrRestBreak).is_empty(),
        "exactly 6 h needs no break"
    );
    plan.shift_with_break(&[sam], MONDAY + Duration::days(1), 8, 8.0, 20);
    assert!(plan.of(RuleId::WtrRestBreak).is_empty());
    plan.shift_with_break(&[sam], MONDAY + Duration::days(2), 8, 8.0, 15);
    let found = plan.of(RuleId::WtrRestBreak);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(found[0].overridable);
}

#[test]
fn gov_uk_young_workers_need_30_minutes_after_4_and_a_half_hours() {
    let mut plan = Plan::new();
    let kim = plan.carer(true);
    plan.edit(kim).date_of_birth = Some(date!(2009 - 06 - 01));
    plan.shift_with_break(&[kim], MONDAY, 9, 5.0, 20);
    let found = plan.of(RuleId::WtrRestBreak);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].details["needed_minutes"], 30.0);
    assert!(!found[0].overridable);
}

// ---- 13: night work ----------------------------------------------------------------------

#[test]
fn a_night_worker_averages_at_most_8_hours_per_24() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    plan.edit(sam).opt_out = Some(OptOut {
        from: week(-20),
        to: None,
    });
    // 17 weeks of four 12-hour nights: 48 h a week; 816 h / (119 − 17) days = 8.0 h.
    for w in 0..17 {
        plan.daily(sam, week(w), 4, 20, 12.0);
    }
    assert!(plan.of(RuleId::WtrNightWork).is_empty(), "exactly 8 h");
    plan.shift(&[sam], week(16) + Duration::days(5), 20, 12.0);
    let found = plan.of(RuleId::WtrNightWork);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].details["average_hours"], 8.12);
    assert!(
        found[0].message.contains("As a night worker"),
        "{}",
        found[0].message
    );
}

#[test]
fn acas_a_night_worker_regularly_works_3_hours_at_night() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    plan.edit(sam).opt_out = Some(OptOut {
        from: week(-20),
        to: None,
    });
    // Evenings 14:00–23:00 have no night time: not a night worker, whatever the hours.
    for w in 0..17 {
        plan.daily(sam, week(w), 6, 14, 9.0);
    }
    assert!(plan.of(RuleId::WtrNightWork).is_empty());
    // Recorded as a night worker, the same hours (54 h a week) are too many.
    plan.edit(sam).night_worker = Some(true);
    assert!(!plan.of(RuleId::WtrNightWork).is_empty());
}

// ---- 14: young workers -----------------------------------------------------------------

#[test]
fn gov_uk_young_workers_at_most_8_hours_a_day_and_40_a_week() {
    let mut plan = Plan::new();
    let kim = plan.carer(true);
    plan.edit(kim).date_of_birth = Some(date!(2009 - 06 - 01));
    plan.daily(kim, MONDAY, 5, 9, 8.0);
    assert!(
        plan.of(RuleId::WtrYoungWorkerLimits).is_empty(),
        "8 h × 5 = 40 h"
    );
    plan.input.shifts.last_mut().unwrap().end += Duration::minutes(30);
    let found = plan.of(RuleId::WtrYoungWorkerLimits);
    assert_eq!(found.len(), 2, "the day and the week");
    assert!(found.iter().all(|v| !v.overridable));
    assert!(found.iter().any(|v| v.message.contains("8.5 h of work on")));
}

#[test]
fn the_young_worker_rules_stop_on_the_18th_birthday() {
    let mut plan = Plan::new();
    let kim = plan.carer(true);
    plan.edit(kim).date_of_birth =
        Some(MONDAY - Duration::days(1) - time::Duration::weeks(52 * 18 + 4));
    plan.shift(&[kim], MONDAY, 8, 10.0);
    let data = Rota::new(plan.input.clone()).unwrap();
    let adult_from = data.carers[0].adult_from.unwrap();
    assert!(adult_from <= MONDAY, "{adult_from}");
    assert!(plan.of(RuleId::WtrYoungWorkerLimits).is_empty());
}

// ---- settings --------------------------------------------------------------------------

#[test]
fn statutory_rules_cannot_be_switched_off_or_made_laxer_than_the_law() {
    let mut settings = RuleSettings::default();
    assert!(settings.check().is_empty());
    settings.switches.insert(
        RuleId::WtrDailyRest,
        Switch {
            enabled: false,
            ..RuleId::WtrDailyRest.default_switch()
        },
    );
    settings.wtr_weekly_average.max_hours = 50.0;
    settings.wtr_daily_rest.adult_hours = 10.0;
    let errors = settings.check();
    let rules: Vec<RuleId> = errors.iter().map(|e| e.rule).collect();
    assert_eq!(
        rules,
        vec![
            RuleId::WtrDailyRest,
            RuleId::WtrWeeklyAverage,
            RuleId::WtrDailyRest
        ]
    );
    assert!(
        settings.switch(RuleId::WtrDailyRest).enabled,
        "stays on regardless"
    );

    let stricter = RuleSettings {
        wtr_weekly_average: WeeklyAverage {
            max_hours: 45.0,
            reference_weeks: 26,
        },
        ..RuleSettings::default()
    };
    assert!(stricter.check().is_empty());
}

#[test]
fn the_48_hour_average_can_never_be_made_overridable() {
    let mut settings = RuleSettings::default();
    settings.switches.insert(
        RuleId::WtrWeeklyAverage,
        Switch {
            overridable: true,
            ..RuleId::WtrWeeklyAverage.default_switch()
        },
    );
    assert_eq!(settings.check()[0].rule, RuleId::WtrWeeklyAverage);
}

#[test]
fn disabled_provider_rules_report_nothing() {
    let mut plan = Plan::new();
    let ali = plan.carer(false);
    plan.shift(&[ali], MONDAY, 20, 12.0);
    for rule in [
        RuleId::CompetentOnEveryShift,
        RuleId::SupervisedNonCompetent,
    ] {
        plan.input.settings.switches.insert(
            rule,
            Switch {
                enabled: false,
                ..rule.default_switch()
            },
        );
    }
    assert!(plan.of(RuleId::CompetentOnEveryShift).is_empty());
    assert!(plan.of(RuleId::SupervisedNonCompetent).is_empty());
}

#[test]
fn settings_read_the_stored_parameter_shapes() {
    let json = r#"{
        "max_contracted_hours": {"default_weekly_hours": 40},
        "wtr_rest_break": {"adult_after_hours": 6, "adult_break_minutes": 30, "young_after_hours": 4.5, "young_break_minutes": 30},
        "switches": {"rotation_pattern": {"enabled": true, "severity": "WARNING", "overridable": true}}
    }"#;
    let settings: RuleSettings = serde_json::from_str(json).unwrap();
    assert_eq!(settings.max_contracted_hours.default_weekly_hours, 40.0);
    assert_eq!(settings.wtr_rest_break.adult_break_minutes, 30);
    assert!(settings.switch(RuleId::RotationPattern).enabled);
    assert_eq!(settings.wtr_daily_rest, DailyRest::default());
    let unknown = serde_json::from_str::<RuleSettings>(
        r#"{"switches": {"no_such_rule": {"enabled": true, "severity": "ERROR", "overridable": false}}}"#,
    );
    assert!(unknown.unwrap_err().to_string().contains("no_such_rule"));
}

// ---- input ----------------------------------------------------------------------------

#[test]
fn bad_input_is_refused_with_the_reason() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    let shift = plan.shift(&[sam], MONDAY, 8, 8.0);
    plan.input.shifts[0].end = plan.input.shifts[0].start;
    assert_eq!(
        Rota::new(plan.input.clone()).unwrap_err(),
        RotaError::EndsBeforeStart(shift)
    );
    plan.input.shifts[0].end = plan.input.shifts[0].start + Duration::hours(25);
    assert_eq!(
        Rota::new(plan.input.clone()).unwrap_err(),
        RotaError::TooLong(shift)
    );
    plan.input.shifts[0].end = plan.input.shifts[0].start + Duration::hours(8);
    plan.input.shifts[0].carer_ids.push(sam);
    assert_eq!(
        Rota::new(plan.input.clone()).unwrap_err(),
        RotaError::CarerTwice(shift, sam)
    );
    let stranger = UserId::from_uuid(Uuid::from_u128(9));
    plan.input.shifts[0].carer_ids = vec![stranger];
    assert_eq!(
        Rota::new(plan.input.clone()).unwrap_err(),
        RotaError::UnknownCarer(shift, stranger)
    );
}

#[test]
fn the_wire_shape_is_the_documented_one() {
    let json = r#"{
        "carers": [{"id": "00000000-0000-0000-0000-000000000010", "date_of_birth": "2009-06-01",
                    "weekly_hours_limit": 20, "opt_out": {"from": "2026-01-01"},
                    "competent_task_ids": ["00000000-0000-0000-0000-000000000002"]}],
        "packages": [{"id": "00000000-0000-0000-0000-000000000001", "task_ids": ["00000000-0000-0000-0000-000000000002"]}],
        "shifts": [{"id": "00000000-0000-0000-0000-000000000020", "package_id": "00000000-0000-0000-0000-000000000001",
                    "start": "2026-11-02T08:00:00Z", "end": "2026-11-02T18:00:00Z",
                    "carer_ids": ["00000000-0000-0000-0000-000000000010"]}]
    }"#;
    let input: RotaInput = serde_json::from_str(json).unwrap();
    assert_eq!(input.carers[0].date_of_birth, Some(date!(2009 - 06 - 01)));
    let violations = validate_rota(input).unwrap();
    let rules: Vec<RuleId> = violations.iter().map(|v| v.rule).collect();
    // 10 h for a 17-year-old: over 8 h a day; and no break planned.
    assert_eq!(
        rules,
        vec![RuleId::WtrRestBreak, RuleId::WtrYoungWorkerLimits]
    );
    let json = serde_json::to_value(&violations[1]).unwrap();
    assert_eq!(json["rule"], "wtr_young_worker_limits");
    assert_eq!(json["severity"], "ERROR");
    assert_eq!(json["details"]["hours"], 10.0);
}

// ---- history ---------------------------------------------------------------------------

#[test]
fn breaches_made_only_of_history_are_not_reported_again() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    plan.shift(&[sam], MONDAY, 8, 4.0);
    plan.shift(&[sam], MONDAY, 10, 4.0);
    assert_eq!(plan.of(RuleId::NoDoubleBooking).len(), 1);
    plan.input.planning_from = Some(MONDAY + Duration::weeks(1));
    assert!(plan.of(RuleId::NoDoubleBooking).is_empty());
}

// ---- the incremental checker and properties --------------------------------------------

/// A random rota: `carers` carers, four weeks of day and night shifts over two
/// packages, each shift given up to three carers.
fn random_rota(seed: &[(u8, u8, u8)], carers: usize) -> RotaInput {
    let mut plan = Plan::new();
    plan.input.packages.push(Package {
        id: CarePackageId::from_uuid(Uuid::from_u128(3)),
        task_ids: Vec::new(),
    });
    let ids: Vec<UserId> = (0..carers).map(|i| plan.carer(i % 3 != 0)).collect();
    plan.edit(ids[0]).date_of_birth = Some(date!(2009 - 06 - 01));
    for (i, &(day, slot, who)) in seed.iter().enumerate() {
        let day = MONDAY + Duration::days(i64::from(day % 28));
        let (hour, hours) = if slot % 2 == 0 { (8, 12.0) } else { (20, 12.0) };
        let on: Vec<UserId> = (0..(who % 4) as usize)
            .map(|k| ids[(usize::from(who) / 4 + k * 7) % carers])
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        plan.shift(&on, day, hour, hours);
        if slot % 3 == 0 {
            plan.input.shifts[i].package_id = CarePackageId::from_uuid(Uuid::from_u128(3));
        }
    }
    plan.input
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn validating_the_same_rota_twice_gives_the_same_result(
        seed in proptest::collection::vec(any::<(u8, u8, u8)>(), 1..80),
    ) {
        let input = random_rota(&seed, 9);
        prop_assert_eq!(validate_rota(input.clone()).unwrap(), validate_rota(input).unwrap());
    }

    #[test]
    fn moving_a_carer_changes_nothing_for_untouched_carers_and_matches_a_full_check(
        seed in proptest::collection::vec(any::<(u8, u8, u8)>(), 2..80),
        pick in any::<(usize, usize)>(),
    ) {
        let input = random_rota(&seed, 9);
        let from = pick.0 % input.shifts.len();
        let Some(&carer) = input.shifts[from].carer_ids.first() else { return Ok(()) };
        let to = pick.1 % input.shifts.len();
        prop_assume!(!input.shifts[to].carer_ids.contains(&carer));
        let (from, to) = (input.shifts[from].id, input.shifts[to].id);

        let mut checker = Checker::new(Rota::new(input.clone()).unwrap());
        let before = checker.violations();
        checker.apply(Change::Move { carer, from, to }).unwrap();
        let after = checker.violations();

        // The incremental result is the full result of the moved rota.
        let mut moved = input;
        for shift in &mut moved.shifts {
            if shift.id == from {
                shift.carer_ids.retain(|&c| c != carer);
            } else if shift.id == to {
                shift.carer_ids.push(carer);
            }
        }
        prop_assert_eq!(&after, &validate_rota(moved).unwrap());

        // No carer other than the one moved gains or loses a finding of their own.
        let untouched = |all: &[Violation]| -> Vec<Violation> {
            all.iter().filter(|v| v.carer_id.is_some_and(|c| c != carer)
                && !v.shift_ids.contains(&from) && !v.shift_ids.contains(&to)).cloned().collect()
        };
        prop_assert_eq!(untouched(&before), untouched(&after));
    }
}

#[test]
fn the_checker_refuses_impossible_moves() {
    let mut plan = Plan::new();
    let sam = plan.carer(true);
    let a = plan.shift(&[sam], MONDAY, 8, 8.0);
    let b = plan.shift(&[sam], MONDAY + Duration::days(1), 8, 8.0);
    let mut checker = Checker::new(Rota::new(plan.input.clone()).unwrap());
    assert_eq!(
        checker.apply(Change::Move {
            carer: sam,
            from: a,
            to: b
        }),
        Err(ChangeError::AlreadyOn)
    );
    assert_eq!(
        checker.apply(Change::Assign {
            carer: sam,
            shift: a
        }),
        Err(ChangeError::AlreadyOn)
    );
    checker
        .apply(Change::Unassign {
            carer: sam,
            shift: a,
        })
        .unwrap();
    assert_eq!(
        checker.apply(Change::Unassign {
            carer: sam,
            shift: a
        }),
        Err(ChangeError::NotOn)
    );
    let stranger = UserId::from_uuid(Uuid::from_u128(5));
    assert_eq!(
        checker.apply(Change::Assign {
            carer: stranger,
            shift: a
        }),
        Err(ChangeError::UnknownCarer(stranger))
    );
}

#[test]
fn dragging_a_non_competent_carer_onto_a_night_then_adding_a_competent_one_clears_it() {
    let mut plan = Plan::new();
    let (sam, ali) = (plan.carer(true), plan.carer(false));
    let night = plan.shift(&[], MONDAY, 20, 12.0);
    let mut checker = Checker::new(Rota::new(plan.input.clone()).unwrap());
    assert!(checker.violations_for_shift(night).is_empty());
    checker
        .apply(Change::Assign {
            carer: ali,
            shift: night,
        })
        .unwrap();
    let rules: Vec<RuleId> = checker
        .violations_for_shift(night)
        .iter()
        .map(|v| v.rule)
        .collect();
    assert!(rules.contains(&RuleId::SupervisedNonCompetent), "{rules:?}");
    checker
        .apply(Change::Assign {
            carer: sam,
            shift: night,
        })
        .unwrap();
    let rules: Vec<RuleId> = checker
        .violations_for_shift(night)
        .iter()
        .map(|v| v.rule)
        .collect();
    assert!(
        !rules.contains(&RuleId::SupervisedNonCompetent),
        "{rules:?}"
    );
    assert!(!rules.contains(&RuleId::CompetentOnEveryShift), "{rules:?}");
}

#[test]
fn who_can_cover_ranks_free_competent_regular_carers_first_and_leaves_the_rota_as_it_was() {
    let mut plan = Plan::new();
    let regular = plan.carer(true);
    let newcomer = plan.carer(true);
    let learner = plan.carer(false);
    let busy = plan.carer(true);
    // The regular worked here twice in the last four weeks; the newcomer never did.
    plan.shift(&[regular], MONDAY - Duration::days(14), 8, 12.0);
    plan.shift(&[regular], MONDAY - Duration::days(7), 8, 12.0);
    let slot = plan.shift_with_break(&[], MONDAY + Duration::days(2), 8, 12.0, 30);
    // Busy is already working through the slot elsewhere: a double booking.
    plan.shift(&[busy], MONDAY + Duration::days(2), 10, 6.0);
    plan.input.planning_from = Some(MONDAY);
    let mut checker = Checker::new(Rota::new(plan.input.clone()).unwrap());
    let before = checker.violations();

    let ranked = checker.cover(slot).unwrap();
    let order: Vec<UserId> = ranked.iter().map(|c| c.carer_id).collect();
    assert_eq!(order, [regular, newcomer, learner, busy]);
    assert_eq!(ranked[0].shifts_here, 2);
    assert!(ranked[0].violations.is_empty());
    assert_eq!(
        ranked[0].headroom_hours, 24.5,
        "36 h less this shift's 11.5 h of work"
    );
    assert!(
        ranked[0]
            .reasons
            .iter()
            .any(|r| r == "2 shifts here in the last 4 weeks")
    );
    // Alone, the learner would leave the shift without a competent carer.
    assert!(!ranked[2].competent);
    assert!(
        ranked[2]
            .violations
            .iter()
            .any(|v| v.rule == RuleId::SupervisedNonCompetent)
    );
    assert!(ranked[3].blocked());
    assert!(
        ranked[3]
            .violations
            .iter()
            .any(|v| v.rule == RuleId::NoDoubleBooking)
    );
    assert_eq!(
        checker.violations(),
        before,
        "trying candidates changes nothing"
    );
    assert!(checker.rota().carers_on(slot).is_empty());
}

#[test]
fn who_can_cover_leaves_out_carers_already_on_the_shift() {
    let mut plan = Plan::new();
    let on = plan.carer(true);
    let off = plan.carer(true);
    let slot = plan.shift(&[on], MONDAY, 8, 12.0);
    let mut checker = Checker::new(Rota::new(plan.input.clone()).unwrap());
    let ranked = checker.cover(slot).unwrap();
    assert_eq!(ranked.len(), 1);
    assert_eq!(ranked[0].carer_id, off);
    assert!(
        checker
            .cover(ShiftId::from_uuid(Uuid::from_u128(9)))
            .is_err()
    );
}
