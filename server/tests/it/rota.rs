//! The rota editor's service against the real database: a week opens as DAY/NIGHT
//! slots, drafts are checked by the server with the same engine the browser runs (on
//! input built from the database, history included), publishing refuses what blocks it,
//! needs a reason for each overridable finding, and tells the carers.

use crate::common;

use app::{
    audit::Actor,
    error::AppError,
    rota::{
        cover::ssr as cover,
        rules::ssr as rules,
        slots::ssr as slots,
        week::{
            api::{Override, SlotAssignment},
            ssr as rota_week,
        },
    },
    state::AppState,
};
use caretrack::{
    ids::{CarePackageId, UserId},
    rota::{Report, Rota, RuleId, touching},
};
use sqlx::{PgPool, types::Uuid};
use time::{Date, Duration, macros::date};

/// A Monday far from today, so nothing else in the database is near it.
pub(crate) const WEEK: Date = date!(2031 - 03 - 03);

pub(crate) struct World {
    pub(crate) state: AppState,
    pub(crate) manager: Actor,
    pub(crate) package: CarePackageId,
    /// Competent in the package's task.
    pub(crate) megan: UserId,
    /// Not yet.
    pub(crate) ali: UserId,
}

pub(crate) async fn world(db: PgPool) -> World {
    let state = common::state_with(db.clone(), &common::redis_url());
    let manager = common::person(&db, "ADMIN", "Alex").await;
    let megan = common::person(&db, "CARER", "Megan").await;
    let ali = common::person(&db, "CARER", "Ali").await;
    let package = common::package(&db, "Elm Cottage").await;
    let task: Uuid = sqlx::query_scalar(
        "with t as (insert into tasks (name, target_count) values ('Medication', 5) returning id)
         insert into package_tasks (package_id, task_id) select $1, id from t returning task_id",
    )
    .bind(package)
    .fetch_one(&db)
    .await
    .unwrap();
    for carer in [megan, ali] {
        sqlx::query("insert into carer_packages (carer_id, package_id) values ($1, $2)")
            .bind(carer)
            .bind(package)
            .execute(&db)
            .await
            .unwrap();
    }
    sqlx::query(
        "insert into competency_ratings (carer_id, task_id, level, state, source, effective_level, reason, confirmed_at)
         values ($1, $2, 'COMPETENT', 'CONFIRMED', 'MANUAL', 'COMPETENT', 'Signed off', now())",
    )
    .bind(megan)
    .bind(task)
    .execute(&db)
    .await
    .unwrap();
    World {
        state,
        manager: Actor {
            user_id: Some(manager),
            ..Default::default()
        },
        package: CarePackageId::from_uuid(package),
        megan: UserId::from_uuid(megan),
        ali: UserId::from_uuid(ali),
    }
}

impl World {
    pub(crate) async fn save(
        &self,
        assignments: Vec<SlotAssignment>,
        revision: i64,
    ) -> Result<Report, AppError> {
        rota_week::save_draft(
            &self.state,
            &self.manager,
            self.package,
            WEEK,
            assignments,
            revision,
        )
        .await
        .map(|saved| saved.report)
    }

    pub(crate) async fn publish(
        &self,
        revision: i64,
        overrides: Vec<Override>,
    ) -> Result<app::rota::week::api::Published, AppError> {
        rota_week::publish(
            &self.state,
            &self.manager,
            self.package,
            WEEK,
            revision,
            overrides,
        )
        .await
    }

    /// Megan on the week's first slot (Monday's day shift), saved as the first draft.
    pub(crate) async fn save_megan_on_monday(&self) -> Report {
        let week = rota_week::load_week(&self.state, &self.manager, self.package, WEEK)
            .await
            .unwrap();
        self.save(
            vec![SlotAssignment {
                shift_id: week.slots[0].shift_id,
                carer_ids: vec![self.megan],
            }],
            0,
        )
        .await
        .unwrap()
    }

    /// How many audit entries of `action` there are.
    async fn audits(&self, action: &str) -> i64 {
        sqlx::query_scalar("select count(*) from audit_log where action = $1")
            .bind(action)
            .fetch_one(&self.state.db)
            .await
            .unwrap()
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.state.db)
            .await
            .unwrap()
    }
}

fn rules(report: &Report) -> Vec<RuleId> {
    report.violations.iter().map(|v| v.rule).collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_week_is_planned_checked_by_the_server_and_published_to_the_carers(db: PgPool) {
    let w = world(db).await;
    let week = rota_week::load_week(&w.state, &w.manager, w.package, WEEK)
        .await
        .unwrap();
    assert_eq!(week.slots.len(), 14, "seven days × DAY and NIGHT");
    assert_eq!(week.slots[1].times, "20:00–08:00");
    assert_eq!(week.revision, 0);
    let panel: Vec<(&str, bool)> = week
        .carers
        .iter()
        .map(|c| (c.name.as_str(), c.competent))
        .collect();
    assert_eq!(panel, vec![("Ali Tester", false), ("Megan Tester", true)]);
    // Opening the week again finds the same slots.
    let again = rota_week::load_week(&w.state, &w.manager, w.package, WEEK)
        .await
        .unwrap();
    assert_eq!(again.slots, week.slots);
    assert_eq!(w.count("select count(*) from shifts").await, 14);

    // Ali alone on Wednesday night: the server finds what the browser's engine finds.
    let wednesday_night = week.slots[5].shift_id;
    let alone = vec![SlotAssignment {
        shift_id: wednesday_night,
        carer_ids: vec![w.ali],
    }];
    let report = w.save(alone.clone(), 0).await.unwrap();
    assert_eq!(
        rules(&report),
        vec![
            RuleId::CompetentOnEveryShift,
            RuleId::SupervisedNonCompetent
        ]
    );
    assert_eq!(report.blocking, 2);
    let mut browser = week.input.clone();
    for shift in &mut browser.shifts {
        if shift.id == wednesday_night {
            shift.carer_ids = vec![w.ali];
        }
    }
    let slot_ids: Vec<_> = week.slots.iter().map(|s| s.shift_id).collect();
    let in_browser = Report::new(touching(Rota::new(browser).unwrap().validate(), &slot_ids));
    assert_eq!(in_browser, report);

    // Blocking findings stop publishing, naming the problem.
    let refused = w.publish(1, Vec::new()).await.unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("no carer on this shift is competent"),
        "{refused}"
    );
    // A save from a stale page is refused, not merged.
    assert!(matches!(w.save(alone, 0).await, Err(AppError::Conflict(_))));

    let together = vec![SlotAssignment {
        shift_id: wednesday_night,
        carer_ids: vec![w.ali, w.megan],
    }];
    let report = w.save(together, 1).await.unwrap();
    assert!(report.violations.is_empty(), "{:?}", report.violations);
    let published = w.publish(2, Vec::new()).await.unwrap();
    assert_eq!(
        (
            published.added,
            published.removed,
            published.carers_notified
        ),
        (2, 0, 2)
    );
    assert_eq!(w.count("select count(*) from rota_entries").await, 2);
    assert_eq!(w.count("select count(*) from rota_drafts").await, 0);
    assert_eq!(
        w.count("select count(*) from notifications where kind = 'rota_published'")
            .await,
        2
    );
    assert_eq!(
        w.count("select count(*) from email_messages where template = 'rota_published'")
            .await,
        2
    );
    assert_eq!(w.audits("rota.publish").await, 1);
    assert_eq!(
        w.count("select count(*) from shifts where status = 'FILLED'")
            .await,
        1,
        "only the staffed slot is filled"
    );

    // The published week now opens from what carers were told.
    let week = rota_week::load_week(&w.state, &w.manager, w.package, WEEK)
        .await
        .unwrap();
    assert_eq!(week.revision, 0);
    assert_eq!(week.published[5].carer_ids.len(), 2);
    assert!(week.published_at.is_some());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_warning_is_published_only_with_a_reason_which_is_kept(db: PgPool) {
    let w = world(db).await;
    sqlx::query("update user_profiles set contracted_weekly_hours = 10 where user_id = $1")
        .bind(w.megan.into_uuid())
        .execute(&w.state.db)
        .await
        .unwrap();
    let report = w.save_megan_on_monday().await;
    assert_eq!(rules(&report), vec![RuleId::MaxContractedHours]);
    let warning = report.violations[0].clone();
    assert!(warning.overridable && !warning.blocks_publishing());
    assert!(
        warning.message.contains("Planned for 11.5 h"),
        "{}",
        warning.message
    );

    let refused = w.publish(1, Vec::new()).await.unwrap_err();
    assert!(
        refused.to_string().starts_with("Give a reason to accept"),
        "{refused}"
    );
    let blank = Override {
        rule: warning.rule,
        carer_id: warning.carer_id,
        shift_ids: warning.shift_ids.clone(),
        reason: "   ".into(),
    };
    assert!(
        w.publish(1, vec![blank.clone()]).await.is_err(),
        "a blank reason is no reason"
    );
    let reason = Override {
        reason: "Megan asked for the extra hours this week.".into(),
        ..blank
    };
    w.publish(1, vec![reason]).await.unwrap();
    let kept: String = sqlx::query_scalar(
        "select reason from rota_rule_overrides where rule_id = 'max_contracted_hours'",
    )
    .fetch_one(&w.state.db)
    .await
    .unwrap();
    assert_eq!(kept, "Megan asked for the extra hours this week.");
    assert_eq!(w.audits("rota.override").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn published_shifts_elsewhere_count_towards_the_rules(db: PgPool) {
    let w = world(db).await;
    // Megan already works the Sunday night before the week at another package, to 08:00
    // on Monday ...
    let other = common::package(&w.state.db, "Ash Court").await;
    let sunday = WEEK - Duration::days(1);
    sqlx::query(
        "with s as (insert into shifts (package_id, starts_at, ends_at, shift_type, status)
                    values ($1, ($2::date + time '20:00') at time zone 'Europe/London',
                            ($2::date + 1 + time '08:00') at time zone 'Europe/London', 'NIGHT', 'FILLED')
                    returning id)
         insert into rota_entries (shift_id, carer_id) select id, $3 from s",
    )
    .bind(other)
    .bind(sunday)
    .bind(w.megan.into_uuid())
    .execute(&w.state.db)
    .await
    .unwrap();
    // ... so a Monday day shift from 08:00 here leaves her no daily rest.
    let report = w.save_megan_on_monday().await;
    let found = rules(&report);
    assert!(found.contains(&RuleId::WtrDailyRest), "{found:?}");
    assert!(found.contains(&RuleId::NightToDayRest), "{found:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn only_the_package_team_can_be_placed_and_only_on_the_weeks_slots(db: PgPool) {
    let w = world(db.clone()).await;
    let stranger = UserId::from_uuid(common::person(&db, "CARER", "Jo").await);
    let week = rota_week::load_week(&w.state, &w.manager, w.package, WEEK)
        .await
        .unwrap();
    let placed = w
        .save(
            vec![SlotAssignment {
                shift_id: week.slots[0].shift_id,
                carer_ids: vec![stranger],
            }],
            0,
        )
        .await
        .unwrap_err();
    assert!(
        placed.to_string().contains("Only carers at this package"),
        "{placed}"
    );
    let elsewhere = caretrack::ids::ShiftId::from_uuid(Uuid::new_v4());
    let wrong = w
        .save(
            vec![SlotAssignment {
                shift_id: elsewhere,
                carer_ids: vec![w.megan],
            }],
            0,
        )
        .await
        .unwrap_err();
    assert!(
        wrong.to_string().contains("not part of this week"),
        "{wrong}"
    );
    assert_eq!(
        w.count("select count(*) from rota_drafts").await,
        0,
        "nothing was saved"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn two_first_saves_at_once_keep_one_and_refuse_the_other(db: PgPool) {
    let w = world(db).await;
    let week = rota_week::load_week(&w.state, &w.manager, w.package, WEEK)
        .await
        .unwrap();
    let on = |carer: UserId| {
        vec![SlotAssignment {
            shift_id: week.slots[0].shift_id,
            carer_ids: vec![carer],
        }]
    };
    // Both pages opened the week before anything was saved (revision 0).
    let (first, second) = tokio::join!(w.save(on(w.megan), 0), w.save(on(w.ali), 0));
    let outcomes = [first.is_ok(), second.is_ok()];
    assert_eq!(
        outcomes.iter().filter(|ok| **ok).count(),
        1,
        "{first:?} / {second:?}"
    );
    let refused = if first.is_err() { first } else { second }.unwrap_err();
    assert!(matches!(refused, AppError::Conflict(_)), "{refused}");
    assert_eq!(w.count("select revision from rota_drafts").await, 1);
}

/// The shift sender: competent shifts reach competent carers only, interest cannot be
/// given twice, each applicant's rule check is the engine's, a selection joins the
/// published rota (and fills the shift), and a manager can withdraw it.
#[sqlx::test(migrations = "../migrations")]
async fn shifts_go_out_to_eligible_carers_who_are_selected_onto_the_rota(db: PgPool) {
    use app::rota::{
        sender::api::{ApplicationStatus, Decision},
        sender::ssr as sender,
    };
    let w = world(db).await;
    let week = rota_week::load_week(&w.state, &w.manager, w.package, WEEK)
        .await
        .unwrap();
    let (monday_day, monday_night) = (week.slots[0].shift_id, week.slots[1].shift_id);
    let megan = Actor {
        user_id: Some(w.megan.into_uuid()),
        ..Default::default()
    };
    let ali = Actor {
        user_id: Some(w.ali.into_uuid()),
        ..Default::default()
    };

    sender::open(&w.state, &w.manager, monday_day, true, "Cover for leave")
        .await
        .unwrap();
    let offered = |carer: UserId| {
        let db = w.state.db.clone();
        async move {
            sender::available(&db, carer.into_uuid(), 1)
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|s| s.shift_id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(offered(w.megan).await, [monday_day]);
    assert!(offered(w.ali).await.is_empty(), "Ali is not competent");
    assert!(matches!(
        sender::apply(&w.state, &ali, monday_day).await,
        Err(AppError::Conflict(_))
    ));
    sender::apply(&w.state, &megan, monday_day).await.unwrap();
    assert!(
        matches!(sender::apply(&w.state, &megan, monday_day).await, Err(AppError::Conflict(message)) if message.contains("already")),
        "interest is given once"
    );
    assert!(
        offered(w.megan).await.is_empty(),
        "applied: no longer offered"
    );

    let found = sender::applicants(&w.state, &w.manager, monday_day)
        .await
        .unwrap();
    assert_eq!(found.applicants.len(), 1);
    assert!(found.applicants[0].competent);
    assert!(
        !found.applicants[0].blocked,
        "{:?}",
        found.applicants[0].violations
    );
    sender::decide(
        &w.state,
        &w.manager,
        monday_day,
        w.megan,
        Decision::Select,
        "",
    )
    .await
    .unwrap();
    assert_eq!(
        w.count(&format!(
            "select count(*) from rota_entries where shift_id = '{monday_day}' and carer_id = '{}'",
            w.megan
        ))
        .await,
        1
    );
    assert_eq!(
        w.count(&format!(
            "select count(*) from shifts where id = '{monday_day}' and status = 'FILLED'"
        ))
        .await,
        1,
        "a headcount of one is filled"
    );
    assert_eq!(
        w.count("select count(*) from email_messages where template = 'shift_decision'")
            .await,
        1
    );
    let mine = sender::applications(&w.state.db, w.megan.into_uuid(), 1)
        .await
        .unwrap();
    assert_eq!(mine.items[0].status, ApplicationStatus::Selected);

    // A non-competent shift reaches Ali, but alone he would be unsupervised: refused.
    sender::open(&w.state, &w.manager, monday_night, false, "")
        .await
        .unwrap();
    assert_eq!(offered(w.ali).await, [monday_night]);
    sender::apply(&w.state, &ali, monday_night).await.unwrap();
    let found = sender::applicants(&w.state, &w.manager, monday_night)
        .await
        .unwrap();
    assert!(found.applicants[0].blocked);
    assert!(
        found.applicants[0]
            .violations
            .iter()
            .any(|v| v.rule == RuleId::SupervisedNonCompetent)
    );
    let refused = sender::decide(
        &w.state,
        &w.manager,
        monday_night,
        w.ali,
        Decision::Select,
        "",
    )
    .await;
    assert!(
        matches!(&refused, Err(AppError::Validation { message, .. }) if message.contains("would break a rule")),
        "{refused:?}"
    );
    sender::decide(
        &w.state,
        &w.manager,
        monday_night,
        w.ali,
        Decision::Reject,
        "",
    )
    .await
    .unwrap();
    assert!(
        offered(w.ali).await.is_empty(),
        "rejected: not offered again…"
    );
    // … until the shift is sent out again: then Ali may try once more.
    sender::close(&w.state, &w.manager, monday_night)
        .await
        .unwrap();
    sender::open(&w.state, &w.manager, monday_night, false, "")
        .await
        .unwrap();
    assert_eq!(offered(w.ali).await, [monday_night]);
    sender::apply(&w.state, &ali, monday_night).await.unwrap();
    let mine = sender::applications(&w.state.db, w.ali.into_uuid(), 1)
        .await
        .unwrap();
    assert_eq!(mine.items[0].status, ApplicationStatus::Interested);

    // A manager withdraws Megan: off the rota, and the shift is out again.
    sender::decide(
        &w.state,
        &w.manager,
        monday_day,
        w.megan,
        Decision::Withdraw,
        "",
    )
    .await
    .unwrap();
    assert_eq!(
        w.count(&format!(
            "select count(*) from rota_entries where shift_id = '{monday_day}'"
        ))
        .await,
        0
    );
    assert_eq!(
        w.count(&format!(
            "select count(*) from shifts where id = '{monday_day}' and status = 'OPEN'"
        ))
        .await,
        1
    );
    assert_eq!(
        w.count(
            "select count(*) from audit_log where action in ('shift.open', 'shift.interest', 'shift.select', 'shift.reject', 'shift.withdraw', 'shift.close')"
        )
        .await,
        10
    );
    // A shift that has started cannot lose its carers through the sender.
    sqlx::query(
        "update shifts set starts_at = now() - interval '1 hour', ends_at = now() + interval '1 hour' where id = $1",
    )
    .bind(monday_night.into_uuid())
    .execute(&w.state.db)
    .await
    .unwrap();
    assert!(matches!(
        sender::decide(
            &w.state,
            &w.manager,
            monday_night,
            w.ali,
            Decision::Withdraw,
            ""
        )
        .await,
        Err(AppError::Conflict(_))
    ));
}

/// "Who can cover?" from the server: the week's draft as the editor has it, the
/// competent carer first, the learner flagged as needing supervision.
#[sqlx::test(migrations = "../migrations")]
async fn who_can_cover_ranks_the_team_for_an_empty_slot(db: PgPool) {
    let w = world(db).await;
    let week = rota_week::load_week(&w.state, &w.manager, w.package, WEEK)
        .await
        .unwrap();
    let cover = cover::cover(&w.state, &w.manager, w.package, week.slots[2].shift_id)
        .await
        .unwrap();
    let order: Vec<UserId> = cover
        .candidates
        .iter()
        .map(|c| c.candidate.carer_id)
        .collect();
    assert_eq!(order, [w.megan, w.ali]);
    assert_eq!(cover.candidates[0].name, "Megan Tester");
    assert!(
        cover.candidates[1]
            .candidate
            .violations
            .iter()
            .any(|v| v.rule == RuleId::SupervisedNonCompetent)
    );
    let elsewhere = common::package(&w.state.db, "Other").await;
    assert!(matches!(
        cover::cover(
            &w.state,
            &w.manager,
            CarePackageId::from_uuid(elsewhere),
            week.slots[2].shift_id
        )
        .await,
        Err(AppError::NotFound(_))
    ));
}

/// Bulk actions: a week's plan is what the next week's "Copy previous week" offers, and
/// "Apply this week to …" writes it into the drafts of the weeks chosen (replacing
/// theirs), each checked by the server; the source week itself is refused as a target.
#[sqlx::test(migrations = "../migrations")]
async fn a_weeks_pattern_is_offered_to_the_next_week_and_applied_to_a_range(db: PgPool) {
    let w = world(db).await;
    let week = rota_week::load_week(&w.state, &w.manager, w.package, WEEK)
        .await
        .unwrap();
    let plan: Vec<SlotAssignment> = week
        .slots
        .iter()
        .map(|slot| SlotAssignment {
            shift_id: slot.shift_id,
            carer_ids: if slot.weekday == 1 && slot.kind == caretrack::rota::ShiftKind::Day {
                vec![w.megan]
            } else {
                Vec::new()
            },
        })
        .collect();
    w.save(plan, 0).await.unwrap();

    let next = rota_week::load_week(&w.state, &w.manager, w.package, WEEK + Duration::weeks(1))
        .await
        .unwrap();
    assert_eq!(next.previous.len(), 14);
    assert_eq!(next.previous[2], [w.megan], "Tuesday's day slot");
    assert!(
        next.previous
            .iter()
            .enumerate()
            .all(|(i, c)| i == 2 || c.is_empty())
    );

    let applied = rota_week::apply_pattern(
        &w.state,
        &w.manager,
        w.package,
        WEEK,
        WEEK + Duration::weeks(1),
        3,
    )
    .await
    .unwrap();
    assert_eq!(applied.len(), 3);
    assert!(
        applied
            .iter()
            .all(|week| week.revision == 1 && week.blocking == 0),
        "{applied:?}"
    );
    for offset in 1..=3 {
        let target = rota_week::load_week(
            &w.state,
            &w.manager,
            w.package,
            WEEK + Duration::weeks(offset),
        )
        .await
        .unwrap();
        let on: Vec<&[UserId]> = target
            .input
            .shifts
            .iter()
            .filter(|s| target.slots.iter().any(|slot| slot.shift_id == s.id))
            .filter(|s| !s.carer_ids.is_empty())
            .map(|s| s.carer_ids.as_slice())
            .collect();
        assert_eq!(on, [[w.megan].as_slice()], "week +{offset}");
        assert_eq!(target.revision, 1);
    }
    // Applying again replaces the drafts (their revisions move on).
    let again = rota_week::apply_pattern(
        &w.state,
        &w.manager,
        w.package,
        WEEK,
        WEEK + Duration::weeks(1),
        1,
    )
    .await
    .unwrap();
    assert_eq!(again[0].revision, 2);
    assert!(matches!(
        rota_week::apply_pattern(&w.state, &w.manager, w.package, WEEK, WEEK, 2).await,
        Err(AppError::Validation { .. })
    ));
    assert!(matches!(
        rota_week::apply_pattern(
            &w.state,
            &w.manager,
            w.package,
            WEEK,
            WEEK + Duration::weeks(1),
            13
        )
        .await,
        Err(AppError::Validation { .. })
    ));
    assert_eq!(w.audits("rota.apply_pattern").await, 4);
}

/// The rule settings: the engine's own check refuses a statutory rule switched off or
/// set laxer than the law (nothing is stored), and what it accepts is stored, read
/// back the same, and audited with the settings before and after.
#[sqlx::test(migrations = "../migrations")]
async fn rule_settings_are_checked_by_the_engine_before_they_are_stored(db: PgPool) {
    use caretrack::rota::Switch;
    let w = world(db).await;
    let mut off = rules::rule_settings(&w.state.db).await.unwrap();
    off.switches.insert(
        RuleId::WtrDailyRest,
        Switch {
            enabled: false,
            ..RuleId::WtrDailyRest.default_switch()
        },
    );
    let refused = rules::save_rule_settings(&w.state, &w.manager, off).await;
    assert!(
        matches!(&refused, Err(AppError::Validation { field, message }) if field == "wtr_daily_rest" && message.contains("cannot be switched off")),
        "{refused:?}"
    );
    let mut lax = rules::rule_settings(&w.state.db).await.unwrap();
    lax.wtr_weekly_average.max_hours = 49.0;
    assert!(
        rules::save_rule_settings(&w.state, &w.manager, lax)
            .await
            .is_err()
    );
    assert_eq!(w.audits("rota.rules_update").await, 0);

    let mut care = rules::rule_settings(&w.state.db).await.unwrap();
    care.wtr_weekly_average.reference_weeks = 26;
    care.max_contracted_hours.default_weekly_hours = 40.0;
    care.switches.insert(
        RuleId::RotationPattern,
        Switch {
            enabled: true,
            ..RuleId::RotationPattern.default_switch()
        },
    );
    let stored = rules::save_rule_settings(&w.state, &w.manager, care.clone())
        .await
        .unwrap();
    assert_eq!(stored.wtr_weekly_average.reference_weeks, 26);
    assert_eq!(stored.max_contracted_hours.default_weekly_hours, 40.0);
    assert!(stored.switch(RuleId::RotationPattern).enabled);
    assert_eq!(rules::rule_settings(&w.state.db).await.unwrap(), stored);
    assert_eq!(w.audits("rota.rules_update").await, 1);
}

/// A package's slot times: a break as long as the shift is refused by name (it used
/// to reach the database as a 500); saved times move the future shifts nobody is on,
/// while a published shift keeps the times its carer was told.
#[sqlx::test(migrations = "../migrations")]
async fn new_slot_times_move_unstaffed_future_shifts_only(db: PgPool) {
    use caretrack::rota::SlotPlan;
    let w = world(db).await;
    let week = rota_week::load_week(&w.state, &w.manager, w.package, WEEK)
        .await
        .unwrap();
    let staffed = week.slots[0].shift_id;
    let plan: Vec<SlotAssignment> = week
        .slots
        .iter()
        .map(|slot| SlotAssignment {
            shift_id: slot.shift_id,
            carer_ids: if slot.shift_id == staffed {
                vec![w.megan]
            } else {
                Vec::new()
            },
        })
        .collect();
    w.save(plan, 0).await.unwrap();
    w.publish(1, Vec::new()).await.unwrap();

    let mut form = SlotPlan::default().form();
    form.day_starts = "07:00".into();
    form.day_ends = "08:00".into();
    form.day_break_minutes = "60".into();
    let refused = slots::save_slot_plan(&w.state, &w.manager, w.package, &form).await;
    assert!(
        matches!(&refused, Err(AppError::Validation { field, message }) if field == "day_break_minutes" && message.contains("shorter than the day shift (60 minutes)")),
        "{refused:?}"
    );
    form.day_ends = "19:00".into();
    form.day_break_minutes = "45".into();
    form.day_headcount = "2".into();
    let (_, moved) = slots::save_slot_plan(&w.state, &w.manager, w.package, &form)
        .await
        .unwrap();
    assert_eq!(moved, 6, "the week's other six day shifts");
    let again = rota_week::load_week(&w.state, &w.manager, w.package, WEEK)
        .await
        .unwrap();
    assert_eq!(again.slots[0].times, "08:00–20:00", "Megan was told 08:00");
    assert_eq!(again.slots[2].times, "07:00–19:00");
    assert_eq!(again.slots[2].headcount, 2);
    assert_eq!(again.slots[1].times, "20:00–08:00", "nights unchanged");
    let new_week = rota_week::load_week(&w.state, &w.manager, w.package, WEEK + Duration::weeks(5))
        .await
        .unwrap();
    assert_eq!(
        new_week.slots[0].times, "07:00–19:00",
        "weeks opened later use the new times"
    );
    assert_eq!(w.audits("rota.slots_update").await, 1);
}
