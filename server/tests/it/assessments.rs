//! Assessments becoming ready: the log that finishes a template's practice makes the
//! assessment ready in the same statement, once, and the carer and the assessors are
//! told; a task belongs to at most one template.

use crate::common;

use app::{
    assessments::ready::announce_ready,
    care::ssr::practice::{self, Entry},
    state::AppState,
};
use caretrack::DailyCompletionCount;
use sqlx::{PgPool, types::Uuid};

struct World {
    state: AppState,
    carer: Uuid,
    package: Uuid,
    /// Medication (target 3) and Hoist (target 2).
    tasks: [Uuid; 2],
    template: Uuid,
}

/// A template covering both tasks of a package the carer works at.
async fn world(db: PgPool) -> World {
    let state = common::state_with(db.clone(), &common::redis_url());
    let carer = common::person(&db, "CARER", "Sam").await;
    common::person(&db, "ASSESSOR", "Priya").await;
    common::person(&db, "ADMIN", "Alex").await;
    let package = common::package(&db, "Oak House").await;
    let mut tasks = [Uuid::nil(); 2];
    for (slot, (name, target)) in tasks.iter_mut().zip([("Medication", 3), ("Hoist", 2)]) {
        *slot = sqlx::query_scalar(
            "with t as (insert into tasks (name, target_count) values ($1, $2) returning id)
             insert into package_tasks (package_id, task_id, assigned_at)
             select $3, id, now() - interval '1 hour' from t returning task_id",
        )
        .bind(name)
        .bind(target)
        .bind(package)
        .fetch_one(&db)
        .await
        .unwrap();
    }
    sqlx::query(
        "insert into carer_packages (carer_id, package_id, assigned_at) values ($1, $2, now() - interval '1 hour')",
    )
    .bind(carer)
    .bind(package)
    .execute(&db)
    .await
    .unwrap();
    let template = template(&db, "Medication and moving", &tasks)
        .await
        .unwrap();
    World {
        state,
        carer,
        package,
        tasks,
        template,
    }
}

async fn template(db: &PgPool, title: &str, tasks: &[Uuid]) -> Result<Uuid, sqlx::Error> {
    let mut tx = db.begin().await?;
    let id: Uuid =
        sqlx::query_scalar("insert into assessment_templates default values returning id")
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query(
        "insert into assessment_template_versions
             (template_id, version, title, knowledge_weight, practical_weight, emergency_weight,
              pass_thresholds, covered_task_ids)
         values ($1, 1, $2, 30, 50, 20, '{\"COMPETENT\": 60}', $3)",
    )
    .bind(id)
    .bind(title)
    .bind(tasks)
    .execute(&mut *tx)
    .await?;
    for task in tasks {
        sqlx::query("insert into assessment_template_tasks (template_id, task_id) values ($1, $2)")
            .bind(id)
            .bind(task)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

impl World {
    async fn log(&self, task: usize, count: i32) -> bool {
        let key = Uuid::new_v4().to_string();
        practice::log(
            &self.state,
            self.carer,
            Entry {
                task_id: self.tasks[task].into(),
                care_package_id: self.package.into(),
                idempotency_key: &key,
                logged_at: None,
            },
            DailyCompletionCount::new(count).unwrap(),
        )
        .await
        .unwrap()
        .assessment_ready
    }

    /// The hoist's progress back to 0 and today's totals cleared, as after a reset.
    async fn start_the_hoist_again(&self) {
        sqlx::query(
            "update task_progress set completed_count = 0 where carer_id = $1 and task_id = $2",
        )
        .bind(self.carer)
        .bind(self.tasks[1])
        .execute(&self.state.db)
        .await
        .unwrap();
        sqlx::query("delete from task_daily_totals")
            .execute(&self.state.db)
            .await
            .unwrap();
    }

    /// The world's assessor or care manager (`role`), acting.
    async fn actor(&self, role: &str) -> app::audit::Actor {
        let id: Uuid = sqlx::query_scalar("select id from users where role = $1::text::user_role")
            .bind(role)
            .fetch_one(&self.state.db)
            .await
            .unwrap();
        app::audit::Actor {
            user_id: Some(id),
            ..Default::default()
        }
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.state.db)
            .await
            .unwrap()
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_log_that_finishes_the_practice_makes_the_assessment_ready_once(db: PgPool) {
    let w = world(db).await;
    // Medication reaches its target, but the hoist is not done yet.
    assert!(!w.log(0, 3).await);
    assert!(!w.log(1, 1).await);
    assert_eq!(w.count("select count(*) from assessments").await, 0);
    // The hoist's last completion crosses the line: ready, in the same statement.
    assert!(w.log(1, 1).await);
    let (status, carer, template): (String, Uuid, Uuid) =
        sqlx::query_as("select status::text, carer_id, template_id from assessments")
            .fetch_one(&w.state.db)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), carer, template),
        ("READY", w.carer, w.template)
    );
    // More practice after the line makes no second assessment.
    assert!(!w.log(1, 1).await);
    assert!(!w.log(0, 2).await);
    assert_eq!(w.count("select count(*) from assessments").await, 1);
    let job: Uuid = sqlx::query_scalar(
        "select (payload->>'assessment_id')::uuid from jobs where kind = 'assessment.ready'",
    )
    .fetch_one(&w.state.db)
    .await
    .unwrap();

    // The job tells the carer, the assessor and the care manager, once.
    assert_eq!(announce_ready(&w.state, job).await.unwrap(), 3);
    assert_eq!(
        announce_ready(&w.state, job).await.unwrap(),
        0,
        "a retry tells nobody twice"
    );
    assert_eq!(
        w.count("select count(*) from notifications where kind = 'assessment_ready'")
            .await,
        3
    );
    let carer_note: String =
        sqlx::query_scalar("select title from notifications where user_id = $1")
            .bind(w.carer)
            .fetch_one(&w.state.db)
            .await
            .unwrap();
    assert_eq!(
        carer_note,
        "You are ready for your Medication and moving assessment"
    );
    let emails: Vec<serde_json::Value> = sqlx::query_scalar(
        "select payload from email_messages where template = 'assessment_available' order by recipient",
    )
    .fetch_all(&w.state.db)
    .await
    .unwrap();
    assert_eq!(emails.len(), 3);
    assert_eq!(
        emails.iter().filter(|e| e["for_carer"] == true).count(),
        1,
        "the carer's email is written to them"
    );
    assert!(emails.iter().all(|e| e["carer_name"] == "Sam Tester"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_reset_and_new_practice_make_it_ready_again_only_after_the_last_is_closed(db: PgPool) {
    let w = world(db).await;
    w.log(0, 3).await;
    assert!(w.log(1, 2).await, "both targets in one go for the hoist");
    // While that assessment is open, crossing the line again (after a reset) adds none.
    w.start_the_hoist_again().await;
    assert!(!w.log(1, 2).await);
    assert_eq!(w.count("select count(*) from assessments").await, 1);
    // Once it is completed, the next crossing opens a new one.
    sqlx::query("update assessments set status = 'COMPLETED', completed_at = now()")
        .execute(&w.state.db)
        .await
        .unwrap();
    w.start_the_hoist_again().await;
    assert!(w.log(1, 2).await);
    assert_eq!(w.count("select count(*) from assessments").await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_task_belongs_to_at_most_one_template(db: PgPool) {
    let w = world(db.clone()).await;
    let err = template(&db, "Another medication check", &w.tasks[..1])
        .await
        .unwrap_err();
    let constraint = err
        .as_database_error()
        .and_then(|e| e.constraint().map(str::to_owned));
    assert_eq!(
        constraint.as_deref(),
        Some("assessment_template_tasks_task_key")
    );
    assert_eq!(
        w.count("select count(*) from assessment_templates").await,
        1,
        "the second template rolled back whole"
    );
}

fn template_form(title: &str) -> caretrack::assessment::TemplateForm {
    use caretrack::assessment::{ItemForm, TemplateForm};
    let item = |prompt: &str| ItemForm {
        prompt: prompt.into(),
        model_answer: "What a good answer contains".into(),
        allows_not_applicable: true,
    };
    TemplateForm {
        title: title.into(),
        description: String::new(),
        knowledge_weight: "30".into(),
        practical_weight: "50".into(),
        emergency_weight: "20".into(),
        score_scale_max: "4".into(),
        thresholds: ["40".into(), "60".into(), "80".into(), "95".into()],
        review_months: "12".into(),
        knowledge: vec![item("The six rights of administration?")],
        practical: vec![item("Checks the MAR chart"), item("Uses the hoist sling")],
        emergency: vec![item("The client refuses a dose")],
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn editing_a_template_makes_a_new_version_and_keeps_the_old_one(db: PgPool) {
    use app::{assessments::templates::ssr as templates, audit::Actor};
    let w = world(db).await;
    let actor = Actor::default();
    let tasks: Vec<caretrack::ids::TaskId> = w.tasks.iter().map(|t| (*t).into()).collect();

    // The world's template covers both tasks: a second one cannot, and says why.
    let err = templates::save(
        &w.state,
        &actor,
        None,
        &template_form("Hoist check"),
        &tasks[1..],
    )
    .await
    .unwrap_err();
    assert_eq!(
        err,
        app::error::AppError::validation(
            "tasks",
            "Hoist is already covered by the assessment \"Medication and moving\": a task belongs to one assessment"
        )
    );

    // A new version of the world's template: covers only Medication now, with new items.
    let mut form = template_form("Medication competency");
    form.practical.pop();
    let id = templates::save(&w.state, &actor, Some(w.template), &form, &tasks[..1])
        .await
        .unwrap();
    assert_eq!(id, w.template);
    let detail = templates::get(&w.state, id).await.unwrap();
    assert_eq!(detail.version, 2);
    assert_eq!(detail.form.title, "Medication competency");
    assert_eq!(detail.form.practical.len(), 1);
    assert_eq!(detail.form.thresholds[1], "60");
    assert_eq!(detail.form.review_months, "12");
    assert_eq!(
        detail
            .tasks
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["Medication"]
    );
    // Version 1 is untouched (a completed assessment keeps pointing at it).
    let v1_title: String = sqlx::query_scalar(
        "select title from assessment_template_versions where template_id = $1 and version = 1",
    )
    .bind(id)
    .fetch_one(&w.state.db)
    .await
    .unwrap();
    assert_eq!(v1_title, "Medication and moving");
    // The hoist is free now, so another template may cover it.
    templates::save(
        &w.state,
        &actor,
        None,
        &template_form("Hoist check"),
        &tasks[1..],
    )
    .await
    .unwrap();
    let listed = templates::list(&w.state, 1).await.unwrap();
    assert_eq!(listed.total, 2);
    assert_eq!(listed.items[0].title, "Hoist check");
    assert_eq!(listed.items[0].tasks, ["Hoist"]);
    assert_eq!(listed.items[1].version, 2);

    // A bad form changes nothing.
    let mut bad = template_form("Medication competency");
    bad.practical_weight = "60".into();
    assert!(
        templates::save(&w.state, &actor, Some(id), &bad, &tasks[..1])
            .await
            .is_err()
    );
    assert_eq!(templates::get(&w.state, id).await.unwrap().version, 2);
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action like 'assessment_templates.%'",
    )
    .fetch_one(&w.state.db)
    .await
    .unwrap();
    assert_eq!(audited, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deleted_template_frees_its_tasks_and_comes_back_only_if_they_are_still_free(db: PgPool) {
    use app::{
        assessments::templates::ssr as templates,
        audit::Actor,
        recycle_bin::{api::BinKind, ssr as bin},
    };
    let w = world(db).await;
    let actor = Actor::default();
    let tasks: Vec<caretrack::ids::TaskId> = w.tasks.iter().map(|t| (*t).into()).collect();

    // Not while an assessment with it is open.
    w.log(0, 3).await;
    assert!(w.log(1, 2).await);
    assert!(matches!(
        templates::delete(&w.state, &actor, w.template).await,
        Err(app::error::AppError::Conflict(_))
    ));
    sqlx::query("update assessments set status = 'COMPLETED', completed_at = now()")
        .execute(&w.state.db)
        .await
        .unwrap();
    templates::delete(&w.state, &actor, w.template)
        .await
        .unwrap();
    assert_eq!(bin::counts(&w.state).await.unwrap().assessment_templates, 1);
    let listed = bin::list(&w.state, BinKind::AssessmentTemplate, 1)
        .await
        .unwrap();
    assert_eq!(listed.items[0].name, "Medication and moving");
    assert_eq!(
        listed.items[0].purge_on, "When you decide (assessments used it)",
        "the completed assessment's record keeps it"
    );

    // Its tasks are free: another template takes the hoist, so the old one cannot return.
    let other = templates::save(
        &w.state,
        &actor,
        None,
        &template_form("Hoist check"),
        &tasks[1..],
    )
    .await
    .unwrap();
    let refused = bin::restore(
        &w.state,
        &actor,
        BinKind::AssessmentTemplate,
        &[w.template.to_string()],
    )
    .await
    .unwrap_err();
    assert!(
        refused
            .to_string()
            .starts_with("Hoist is covered by another template now"),
        "{refused}"
    );
    templates::delete(&w.state, &actor, other).await.unwrap();
    assert_eq!(
        bin::restore(
            &w.state,
            &actor,
            BinKind::AssessmentTemplate,
            &[w.template.to_string()]
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        templates::get(&w.state, w.template)
            .await
            .unwrap()
            .tasks
            .len(),
        2,
        "both tasks again"
    );

    // A template no assessment used can be purged for good; the used one cannot.
    assert_eq!(
        bin::purge(
            &w.state,
            &actor,
            BinKind::AssessmentTemplate,
            &[other.to_string()]
        )
        .await
        .unwrap(),
        1
    );
    templates::delete(&w.state, &actor, w.template)
        .await
        .unwrap();
    assert_eq!(
        bin::purge(
            &w.state,
            &actor,
            BinKind::AssessmentTemplate,
            &[w.template.to_string()]
        )
        .await
        .unwrap(),
        0
    );
    assert_eq!(
        w.count("select count(*) from assessment_templates").await,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn two_templates_saved_at_once_cannot_both_take_a_task(db: PgPool) {
    use app::{assessments::templates::ssr as templates, audit::Actor};
    let w = world(db.clone()).await;
    let hoist: caretrack::ids::TaskId = w.tasks[1].into();
    // Free the hoist, then let another save take it without committing yet: the check
    // that names a taken task cannot see it, so only the database's rule is left.
    templates::save(
        &w.state,
        &Actor::default(),
        Some(w.template),
        &template_form("Medication competency"),
        &[w.tasks[0].into()],
    )
    .await
    .unwrap();
    let mut first = db.begin().await.unwrap();
    let rival: Uuid =
        sqlx::query_scalar("insert into assessment_templates default values returning id")
            .fetch_one(&mut *first)
            .await
            .unwrap();
    sqlx::query("insert into assessment_template_tasks (template_id, task_id) values ($1, $2)")
        .bind(rival)
        .bind(w.tasks[1])
        .execute(&mut *first)
        .await
        .unwrap();
    let state = w.state.clone();
    let second = tokio::spawn(async move {
        templates::save(
            &state,
            &Actor::default(),
            None,
            &template_form("Hoist check"),
            &[hoist],
        )
        .await
    });
    // The second save waits on the first's row, then is refused when it commits.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    sqlx::query(
        "insert into assessment_template_versions
             (template_id, version, title, knowledge_weight, practical_weight, emergency_weight, pass_thresholds)
         values ($1, 1, 'Rival', 100, 0, 0, '{}')",
    )
    .bind(rival)
    .execute(&mut *first)
    .await
    .unwrap();
    first.commit().await.unwrap();
    let refused = second.await.unwrap().unwrap_err();
    assert_eq!(
        refused,
        app::error::AppError::Conflict(
            "Another template took one of these tasks a moment ago. Reload and try again.".into()
        )
    );
    assert_eq!(
        w.count("select count(*) from assessment_template_versions where title = 'Hoist check'")
            .await,
        0,
        "nothing of the refused save is left"
    );
}

/// The world's template given items (version 2), the carer's practice done, the
/// assessment started by the assessor. Answers the assessment, the assessor and the
/// items (knowledge, two practical, emergency).
async fn started(w: &World) -> (Uuid, app::audit::Actor, Vec<Uuid>) {
    use app::{
        assessments::{conduct::ssr as conduct, templates::ssr as templates},
        audit::Actor,
    };
    let tasks: Vec<caretrack::ids::TaskId> = w.tasks.iter().map(|t| (*t).into()).collect();
    templates::save(
        &w.state,
        &Actor::default(),
        Some(w.template),
        &template_form("Medication and moving"),
        &tasks,
    )
    .await
    .unwrap();
    w.log(0, 3).await;
    assert!(w.log(1, 2).await);
    let assessment: Uuid = sqlx::query_scalar("select id from assessments")
        .fetch_one(&w.state.db)
        .await
        .unwrap();
    let actor = w.actor("ASSESSOR").await;
    conduct::start(&w.state, &actor, assessment).await.unwrap();
    let items: Vec<Uuid> = sqlx::query_scalar(
        "select i.id from assessment_template_items i join assessments a
            on a.template_version_id = i.template_version_id
          where a.id = $1 order by i.section, i.position",
    )
    .bind(assessment)
    .fetch_all(&w.state.db)
    .await
    .unwrap();
    assert_eq!(items.len(), 4);
    (assessment, actor, items)
}

fn edit(
    device: &str,
    items: &[(Uuid, Option<u8>, bool, i64)],
) -> app::assessments::conduct::api::DraftEdit {
    use app::assessments::conduct::api::{DraftEdit, ItemEdit};
    DraftEdit {
        device_id: device.into(),
        step: caretrack::conduct::Step::Practical,
        items: items
            .iter()
            .map(|(item, score, na, base)| ItemEdit {
                item_id: item.to_string(),
                response: caretrack::conduct::Response {
                    answer: format!("noted on the {device}"),
                    score: *score,
                    not_applicable: *na,
                },
                base_revision: *base,
            })
            .collect(),
        review: None,
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_draft_keeps_the_last_write_per_item_and_says_when_it_replaced_another_device(
    db: PgPool,
) {
    use app::{assessments::conduct::ssr as conduct, error::AppError};
    let w = world(db).await;
    let (id, actor, items) = started(&w).await;

    let saved = conduct::save_draft(
        &w.state,
        &actor,
        id,
        &edit("tablet", &[(items[0], Some(3), false, 0)]),
    )
    .await
    .unwrap();
    assert!(saved.overwritten.is_empty());
    assert_eq!(saved.items[0].revision, 1);
    // The laptop never saw the tablet's answer: its write lands, and says so.
    let saved = conduct::save_draft(
        &w.state,
        &actor,
        id,
        &edit("laptop", &[(items[0], Some(2), false, 0)]),
    )
    .await
    .unwrap();
    assert_eq!(saved.overwritten, ["The six rights of administration?"]);
    assert_eq!(saved.items[0].response.score, Some(2));
    assert_eq!(saved.items[0].revision, 2);
    // The laptop again, having seen revision 2: an ordinary edit.
    let saved = conduct::save_draft(
        &w.state,
        &actor,
        id,
        &edit("laptop", &[(items[0], Some(4), false, 2)]),
    )
    .await
    .unwrap();
    assert!(saved.overwritten.is_empty());
    // The draft survives: a reload reads it back, with the step.
    let view = conduct::view(&w.state, id, actor.user_id.unwrap())
        .await
        .unwrap();
    assert_eq!(view.step, caretrack::conduct::Step::Practical);
    assert_eq!(view.draft.items[0].response.score, Some(4));
    assert_eq!(view.draft.items[0].response.answer, "noted on the laptop");
    assert!(
        view.items[0].model_answer.is_some(),
        "the assessor sees model answers"
    );

    // Refused, and nothing written: a score above the scale, N/A where not allowed.
    let err = conduct::save_draft(
        &w.state,
        &actor,
        id,
        &edit("laptop", &[(items[1], Some(5), false, 0)]),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, AppError::Validation { field, message } if field == "score" && message.contains("Practical skills item 1")),
        "{err:?}"
    );
    let err = conduct::save_draft(
        &w.state,
        &actor,
        id,
        &edit("laptop", &[(items[3], None, true, 0)]),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, AppError::Validation { field, .. } if field == "not_applicable"),
        "{err:?}"
    );
    let err = conduct::save_draft(
        &w.state,
        &actor,
        id,
        &edit("laptop", &[(Uuid::new_v4(), Some(1), false, 0)]),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, AppError::Validation { field, .. } if field == "items"),
        "{err:?}"
    );
    assert_eq!(
        w.count("select count(*) from assessment_responses").await,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_submitted_assessment_is_scored_by_the_core_and_the_carer_confirms_or_disputes(
    db: PgPool,
) {
    use app::{
        assessments::{conduct::ssr as conduct, ratings::ssr as ratings},
        auth::CurrentUser,
        error::AppError,
    };
    use caretrack::{Role, conduct::JudgementForm, rating::RatingAction};
    let w = world(db).await;
    let (id, actor, items) = started(&w).await;
    // Knowledge 3/4, practical 4/4 and N/A, emergency 2/4: 30·.75 + 50·1 + 20·.5 = 82.5 %.
    conduct::save_draft(
        &w.state,
        &actor,
        id,
        &edit(
            "tablet",
            &[
                (items[0], Some(3), false, 0),
                (items[1], Some(4), false, 0),
                (items[2], None, true, 0),
                (items[3], Some(2), false, 0),
            ],
        ),
    )
    .await
    .unwrap();
    let judged = |level: &str, reason: &str| JudgementForm {
        final_level: level.into(),
        reason: reason.into(),
        comments: "Calm and careful.".into(),
    };
    // Competent is not what 82.5 % suggests (Proficient): a reason is required.
    let err = conduct::submit(&w.state, &actor, id, &judged("COMPETENT", ""))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Validation { field, .. } if field == "reason"),
        "{err:?}"
    );
    let status = conduct::submit(
        &w.state,
        &actor,
        id,
        &judged(
            "COMPETENT",
            "Hesitated with the sling; observe again in three months",
        ),
    )
    .await
    .unwrap();
    assert_eq!(status, caretrack::conduct::AssessmentStatus::Completed);
    let (score, suggested, level): (String, String, String) = sqlx::query_as(
        "select weighted_score::text, suggested_level::text, final_level::text from assessments",
    )
    .fetch_one(&w.state.db)
    .await
    .unwrap();
    assert_eq!(
        (score.as_str(), suggested.as_str(), level.as_str()),
        ("82.50", "PROFICIENT", "COMPETENT")
    );
    // Answers can no longer change.
    let err = conduct::save_draft(
        &w.state,
        &actor,
        id,
        &edit("tablet", &[(items[0], Some(1), false, 1)]),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err:?}");

    // One pending rating per covered task, not yet effective, with a review date.
    assert_eq!(
        w.count("select count(*) from competency_ratings where state = 'PENDING' and level = 'COMPETENT'
                   and effective_level = 'NOT_ASSESSED' and review_due_on > current_date + 360")
            .await,
        2
    );
    let carer = CurrentUser {
        user_id: w.carer,
        role: Role::Carer,
        session_id: Uuid::new_v4(),
    };
    let carer_actor = app::audit::Actor::user(&carer, &Default::default());
    let mine = ratings::for_carer(&w.state, w.carer).await.unwrap();
    assert_eq!(mine.pending.len(), 2);
    assert_eq!(mine.pending[0].comments, "Calm and careful.");
    let answers = ratings::answers_for_carer(&w.state, w.carer, id)
        .await
        .unwrap();
    assert_eq!(answers.lines.len(), 4);
    assert_eq!(answers.score.as_deref(), Some("82.50 %"));
    let (first, second): (Uuid, Uuid) = (mine.pending[0].id.into(), mine.pending[1].id.into());

    ratings::answer(
        &w.state,
        &carer,
        &carer_actor,
        first,
        RatingAction::Confirm,
        "",
    )
    .await
    .unwrap();
    let err = ratings::answer(
        &w.state,
        &carer,
        &carer_actor,
        first,
        RatingAction::Confirm,
        "",
    )
    .await
    .unwrap_err();
    assert_eq!(
        err,
        AppError::Conflict("This rating is confirmed now, so it cannot be confirmed.".into())
    );
    let err = ratings::answer(
        &w.state,
        &carer,
        &carer_actor,
        second,
        RatingAction::Dispute,
        "  ",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, AppError::Validation { field, .. } if field == "reason"),
        "{err:?}"
    );
    ratings::answer(
        &w.state,
        &carer,
        &carer_actor,
        second,
        RatingAction::Dispute,
        "I have used that hoist for years",
    )
    .await
    .unwrap();
    // Someone else's rating is not found, and a manager's action is not the carer's.
    let other = CurrentUser {
        user_id: Uuid::new_v4(),
        ..carer
    };
    assert!(matches!(
        ratings::answer(
            &w.state,
            &other,
            &carer_actor,
            first,
            RatingAction::Dispute,
            "x"
        )
        .await,
        Err(AppError::NotFound(_))
    ));
    assert_eq!(
        ratings::answer(
            &w.state,
            &carer,
            &carer_actor,
            second,
            RatingAction::Uphold,
            ""
        )
        .await,
        Err(AppError::Forbidden)
    );

    assert_eq!(
        w.count("select count(*) from competency_ratings where state = 'CONFIRMED' and effective_level = 'COMPETENT'")
            .await,
        1,
        "only the confirmed rating is effective"
    );
    // Milestones: both targets reached, the assessment completed, one rating confirmed.
    let achievements: Vec<String> = ratings::for_carer(&w.state, w.carer)
        .await
        .unwrap()
        .achievements
        .into_iter()
        .map(|a| a.what)
        .collect();
    assert_eq!(achievements.len(), 4, "{achievements:?}");
    assert!(
        achievements
            .contains(&"Completed the Medication and moving assessment (Competent)".to_owned())
    );
    assert_eq!(
        achievements
            .iter()
            .filter(|a| a.ends_with(", confirmed"))
            .count(),
        1
    );
    assert_eq!(
        w.count("select count(*) from competency_ratings where state = 'DISPUTED' and effective_level = 'NOT_ASSESSED'")
            .await,
        1
    );
    assert_eq!(
        w.count("select count(*) from competency_rating_history")
            .await,
        4
    );
    assert_eq!(
        w.count(
            "select count(*) from notifications where kind in ('rating_pending', 'rating_disputed')"
        )
        .await,
        2,
        "the carer was told, and the one care manager"
    );
    assert_eq!(
        w.count("select count(*) from email_messages where template in ('rating_pending_confirmation', 'dispute_raised')")
            .await,
        2
    );
    let actions: Vec<String> = sqlx::query_scalar("select action from audit_log where action like 'assessments.%' or action like 'ratings.%' order by id")
        .fetch_all(&w.state.db)
        .await
        .unwrap();
    assert_eq!(
        actions,
        [
            "assessments.start",
            "assessments.submit",
            "assessments.complete",
            "ratings.confirm",
            "ratings.dispute"
        ]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn with_the_approval_chain_on_a_submission_waits_and_issues_nothing(db: PgPool) {
    use app::assessments::conduct::ssr as conduct;
    let w = world(db).await;
    sqlx::query("update organisation_settings set approval_chain_enabled = true")
        .execute(&w.state.db)
        .await
        .unwrap();
    let (id, actor, items) = started(&w).await;
    let all: Vec<_> = items.iter().map(|i| (*i, Some(4), false, 0)).collect();
    conduct::save_draft(&w.state, &actor, id, &edit("tablet", &all))
        .await
        .unwrap();
    let status = conduct::submit(
        &w.state,
        &actor,
        id,
        &caretrack::conduct::JudgementForm {
            final_level: "EXPERT".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        status,
        caretrack::conduct::AssessmentStatus::AwaitingApproval
    );
    assert_eq!(w.count("select count(*) from competency_ratings").await, 0);
    assert_eq!(
        w.count("select count(*) from notifications where kind = 'assessment_approval'")
            .await,
        1,
        "the care manager is asked; the assessor who submitted is not"
    );

    // Not by the assessor who submitted it; returning needs comments.
    use app::error::AppError;
    use caretrack::conduct::AssessmentStatus;
    let err = conduct::decide(&w.state, &actor, id, true, "")
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err:?}");
    let manager = w.actor("ADMIN").await;
    assert!(
        !conduct::view(&w.state, id, actor.user_id.unwrap())
            .await
            .unwrap()
            .may_approve
    );
    assert!(
        conduct::view(&w.state, id, manager.user_id.unwrap())
            .await
            .unwrap()
            .may_approve
    );
    let err = conduct::decide(&w.state, &manager, id, false, " ")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AppError::Validation { field, .. } if field == "comments"),
        "{err:?}"
    );

    // Returned: the assessor sees why, resumes, and submits again.
    assert_eq!(
        conduct::decide(
            &w.state,
            &manager,
            id,
            false,
            "Expert needs evidence of the sling check"
        )
        .await
        .unwrap(),
        AssessmentStatus::Returned
    );
    let view = conduct::view(&w.state, id, actor.user_id.unwrap())
        .await
        .unwrap();
    assert_eq!(
        view.returned_comments.as_deref(),
        Some("Expert needs evidence of the sling check")
    );
    conduct::start(&w.state, &actor, id).await.unwrap();
    conduct::submit(
        &w.state,
        &actor,
        id,
        &caretrack::conduct::JudgementForm {
            final_level: "EXPERT".into(),
            comments: "Photo of the sling check attached".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // Approved: it completes, and the ratings go to the carer.
    assert_eq!(
        conduct::decide(&w.state, &manager, id, true, "")
            .await
            .unwrap(),
        AssessmentStatus::Completed
    );
    assert_eq!(
        w.count(
            "select count(*) from competency_ratings where state = 'PENDING' and level = 'EXPERT'"
        )
        .await,
        2
    );
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where action like 'assessments.%' order by id",
    )
    .fetch_all(&w.state.db)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "assessments.start",
            "assessments.submit",
            "assessments.return",
            "assessments.resume",
            "assessments.submit",
            "assessments.approve",
            "assessments.complete"
        ]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn no_one_approves_what_they_conducted_or_submitted(db: PgPool) {
    use app::{assessments::conduct::ssr as conduct, error::AppError};
    use caretrack::conduct::{AssessmentStatus, JudgementForm};
    let w = world(db).await;
    sqlx::query("update organisation_settings set approval_chain_enabled = true")
        .execute(&w.state.db)
        .await
        .unwrap();
    let (id, first, items) = started(&w).await;
    let second = app::audit::Actor {
        user_id: Some(common::person(&w.state.db, "ASSESSOR", "Second").await),
        ..Default::default()
    };
    let all: Vec<_> = items.iter().map(|i| (*i, Some(4), false, 0)).collect();
    let judged = JudgementForm {
        final_level: "EXPERT".into(),
        ..Default::default()
    };

    // Another assessor cannot change or submit it without taking it over.
    let refused = conduct::save_draft(&w.state, &second, id, &edit("laptop", &all)).await;
    assert!(matches!(refused, Err(AppError::Conflict(_))), "{refused:?}");
    let refused = conduct::submit(&w.state, &second, id, &judged).await;
    assert!(matches!(refused, Err(AppError::Conflict(_))), "{refused:?}");
    assert!(
        !conduct::view(&w.state, id, second.user_id.unwrap())
            .await
            .unwrap()
            .conducting
    );

    // Taking over is an explicit, audited step; then the second assessor conducts it.
    conduct::save_draft(&w.state, &first, id, &edit("tablet", &all))
        .await
        .unwrap();
    conduct::start(&w.state, &second, id).await.unwrap();
    assert_eq!(
        w.count("select count(*) from audit_log where action = 'assessments.take_over'")
            .await,
        1
    );
    let refused = conduct::save_draft(&w.state, &first, id, &edit("tablet", &all)).await;
    assert!(
        matches!(refused, Err(AppError::Conflict(_))),
        "the first lost it"
    );
    assert_eq!(
        conduct::submit(&w.state, &second, id, &judged)
            .await
            .unwrap(),
        AssessmentStatus::AwaitingApproval
    );

    // Neither the one who conducted part of it nor the one who submitted it approves.
    for who in [&first, &second] {
        let err = conduct::decide(&w.state, who, id, true, "")
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Conflict(_)), "{err:?}");
        assert!(
            !conduct::view(&w.state, id, who.user_id.unwrap())
                .await
                .unwrap()
                .may_approve
        );
    }
    let manager = w.actor("ADMIN").await;
    assert_eq!(
        conduct::decide(&w.state, &manager, id, true, "")
            .await
            .unwrap(),
        AssessmentStatus::Completed
    );
    let submitted_by: Option<Uuid> =
        sqlx::query_scalar("select submitted_by from assessments where id = $1")
            .bind(id)
            .fetch_one(&w.state.db)
            .await
            .unwrap();
    assert_eq!(submitted_by, second.user_id);
}

/// `started`, then every item scored 3 of 4 (75 %: Competent) and submitted: two
/// pending ratings. Answers them (Medication's first) and the assessor.
async fn completed(w: &World) -> ([Uuid; 2], app::audit::Actor) {
    use app::assessments::conduct::ssr as conduct;
    let (id, actor, items) = started(w).await;
    let all: Vec<_> = items.iter().map(|i| (*i, Some(3), false, 0)).collect();
    conduct::save_draft(&w.state, &actor, id, &edit("tablet", &all))
        .await
        .unwrap();
    conduct::submit(
        &w.state,
        &actor,
        id,
        &caretrack::conduct::JudgementForm {
            final_level: "COMPETENT".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let rating = |task: Uuid| {
        let db = w.state.db.clone();
        async move {
            sqlx::query_scalar::<_, Uuid>(
                "select id from competency_ratings where carer_id = $1 and task_id = $2",
            )
            .bind(w.carer)
            .bind(task)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    ([rating(w.tasks[0]).await, rating(w.tasks[1]).await], actor)
}

fn carer_of(w: &World) -> (app::auth::CurrentUser, app::audit::Actor) {
    let carer = app::auth::CurrentUser {
        user_id: w.carer,
        role: caretrack::Role::Carer,
        session_id: Uuid::new_v4(),
    };
    let actor = app::audit::Actor::user(&carer, &Default::default());
    (carer, actor)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_dispute_is_amended_then_confirmed_or_sent_for_reassessment(db: PgPool) {
    use app::{assessments::ratings::ssr as ratings, error::AppError};
    use caretrack::{CompetencyLevel, rating::RatingAction as A};
    let w = world(db).await;
    let ([medication, hoist], _) = completed(&w).await;
    let (carer, carer_actor) = carer_of(&w);
    let manager = w.actor("ADMIN").await;
    // Nothing to resolve while the carer has not disputed.
    let err = ratings::resolve(&w.state, &manager, medication, A::Uphold, None, "Stands")
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err:?}");
    for rating in [medication, hoist] {
        ratings::answer(
            &w.state,
            &carer,
            &carer_actor,
            rating,
            A::Dispute,
            "I was unwell that day",
        )
        .await
        .unwrap();
    }

    // Amended: a note is required; the amendment is a new rating for the carer to confirm.
    let err = ratings::resolve(
        &w.state,
        &manager,
        medication,
        A::Amend,
        Some(CompetencyLevel::Proficient),
        " ",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, AppError::Validation { field, .. } if field == "reason"),
        "{err:?}"
    );
    ratings::resolve(
        &w.state,
        &manager,
        medication,
        A::Amend,
        Some(CompetencyLevel::Proficient),
        "Looked again at the evidence photos",
    )
    .await
    .unwrap();
    let amended: Uuid = sqlx::query_scalar(
        "select id from competency_ratings where task_id = $1 and state = 'PENDING' and level = 'PROFICIENT'",
    )
    .bind(w.tasks[0])
    .fetch_one(&w.state.db)
    .await
    .unwrap();
    assert_ne!(
        amended, medication,
        "an amendment is confirmed by its own id"
    );
    assert!(matches!(
        ratings::answer(&w.state, &carer, &carer_actor, medication, A::Confirm, "").await,
        Err(AppError::NotFound(_))
    ));
    let mine = ratings::for_carer(&w.state, w.carer).await.unwrap();
    assert_eq!(
        mine.pending[0].resolution.as_deref(),
        Some("Looked again at the evidence photos")
    );
    ratings::answer(&w.state, &carer, &carer_actor, amended, A::Confirm, "")
        .await
        .unwrap();
    assert_eq!(
        w.count("select count(*) from competency_ratings where state = 'CONFIRMED' and effective_level = 'PROFICIENT'")
            .await,
        1
    );

    // Reassessment: the rating is withdrawn (never counted), and the template is ready
    // for the carer again, announced by the usual job.
    ratings::resolve(
        &w.state,
        &manager,
        hoist,
        A::Reassess,
        None,
        "Let us watch you with the hoist again",
    )
    .await
    .unwrap();
    assert_eq!(
        w.count("select count(*) from competency_ratings where state = 'WITHDRAWN' and effective_level = 'NOT_ASSESSED'")
            .await,
        1
    );
    assert_eq!(
        w.count("select count(*) from assessments where status = 'READY'")
            .await,
        1
    );
    assert_eq!(
        w.count("select count(*) from jobs where kind = 'assessment.ready'")
            .await,
        2
    );
    // A carer cannot resolve; a withdrawn rating cannot be confirmed.
    assert_eq!(
        ratings::resolve(&w.state, &carer_actor, hoist, A::Confirm, None, "x").await,
        Err(AppError::Forbidden)
    );
    assert!(matches!(
        ratings::answer(&w.state, &carer, &carer_actor, hoist, A::Confirm, "").await,
        Err(AppError::Conflict(_))
    ));
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where action like 'ratings.%' order by id",
    )
    .fetch_all(&w.state.db)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "ratings.dispute",
            "ratings.dispute",
            "ratings.amend",
            "ratings.confirm",
            "ratings.reassess"
        ]
    );
    // The reassessment is news of a resolution; the amendment is a rating to confirm.
    assert_eq!(
        w.count("select count(*) from notifications where kind = 'rating_resolved'")
            .await,
        1
    );
    assert_eq!(
        w.count(
            "select count(*) from notifications where kind = 'rating_pending' and title like '%amended%'"
        )
        .await,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_manager_sets_ratings_directly_and_not_assessed_resets_that_tasks_progress(db: PgPool) {
    use app::{assessments::ratings::ssr as ratings, error::AppError};
    use caretrack::CompetencyLevel;
    let w = world(db).await;
    w.log(0, 2).await;
    w.log(1, 1).await;
    let manager = app::audit::Actor::default();
    let err = ratings::set_manually(
        &w.state,
        &manager,
        &[w.carer],
        w.tasks[0],
        CompetencyLevel::Competent,
        "",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, AppError::Validation { field, .. } if field == "reason"),
        "{err:?}"
    );
    let assessor = w.actor("ASSESSOR").await.user_id.unwrap();
    let err = ratings::set_manually(
        &w.state,
        &manager,
        &[w.carer, assessor],
        w.tasks[0],
        CompetencyLevel::Competent,
        "Known",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, AppError::Validation { field, .. } if field == "carers"),
        "{err:?}"
    );
    assert_eq!(
        w.count("select count(*) from competency_ratings").await,
        0,
        "refused whole"
    );

    // Effective at once, no confirmation.
    ratings::set_manually(
        &w.state,
        &manager,
        &[w.carer],
        w.tasks[0],
        CompetencyLevel::Competent,
        "Transferred from her last employer",
    )
    .await
    .unwrap();
    assert_eq!(
        w.count("select count(*) from competency_ratings where state = 'CONFIRMED' and source = 'MANUAL' and effective_level = 'COMPETENT'")
            .await,
        1
    );
    // Back to NOT_ASSESSED: the rating, and that task's progress (only that task's).
    ratings::set_manually(
        &w.state,
        &manager,
        &[w.carer],
        w.tasks[0],
        CompetencyLevel::NotAssessed,
        "Concerns raised by a family",
    )
    .await
    .unwrap();
    let progress: Vec<i32> = sqlx::query_scalar(
        "select completed_count from task_progress where carer_id = $1 order by task_id = $2 desc",
    )
    .bind(w.carer)
    .bind(w.tasks[0])
    .fetch_all(&w.state.db)
    .await
    .unwrap();
    assert_eq!(progress, [0, 1]);
    assert_eq!(
        w.count("select count(*) from competency_ratings where effective_level = 'NOT_ASSESSED'")
            .await,
        1
    );
    assert_eq!(
        w.count("select count(*) from competency_rating_history")
            .await,
        2
    );
    assert_eq!(
        w.count("select count(*) from audit_log where action = 'ratings.set' and after->>'progress_reset' = '1'")
            .await,
        1
    );
    let rows = ratings::task_ratings(&w.state, w.tasks[0]).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].progress, "0 of 3");
}

#[sqlx::test(migrations = "../migrations")]
async fn carers_are_reminded_after_48_hours_then_daily_for_a_week_and_managers_of_reviews(
    db: PgPool,
) {
    use app::assessments::{ratings::api::QueueKind, ratings::ssr as ratings};
    use caretrack::rating::RatingAction;
    let w = world(db).await;
    let ([medication, _], _) = completed(&w).await;
    let age = |sql: &'static str| {
        let db = w.state.db.clone();
        async move { sqlx::query(sql).execute(&db).await.unwrap() }
    };
    assert_eq!(
        ratings::send_reminders(&w.state).await.unwrap(),
        0,
        "too soon"
    );
    age("update competency_ratings set rated_at = now() - interval '49 hours'").await;
    assert_eq!(
        ratings::send_reminders(&w.state).await.unwrap(),
        1,
        "one carer, both tasks"
    );
    assert_eq!(
        ratings::send_reminders(&w.state).await.unwrap(),
        0,
        "once a day"
    );
    let (payload,): (serde_json::Value,) = sqlx::query_as(
        "select payload from email_messages where template = 'rating_pending_confirmation'
          order by created_at desc limit 1",
    )
    .fetch_one(&w.state.db)
    .await
    .unwrap();
    assert_eq!(payload["reminder"], true, "{payload}");
    assert_eq!(payload["task_name"], "Hoist, Medication");
    age("update competency_ratings set reminder_sent_at = now() - interval '25 hours'").await;
    assert_eq!(
        ratings::send_reminders(&w.state).await.unwrap(),
        1,
        "the next day"
    );
    age("update competency_ratings set rated_at = now() - interval '8 days', reminder_sent_at = now() - interval '2 days'").await;
    assert_eq!(
        ratings::send_reminders(&w.state).await.unwrap(),
        0,
        "not after a week"
    );
    assert_eq!(
        w.count("select count(*) from notifications where kind = 'rating_reminder'")
            .await,
        2
    );

    // Reviews: a confirmed rating whose review date has passed shows on page 4's
    // review list, and the weekly reminder tells the care manager.
    let (carer, carer_actor) = carer_of(&w);
    ratings::answer(
        &w.state,
        &carer,
        &carer_actor,
        medication,
        RatingAction::Confirm,
        "",
    )
    .await
    .unwrap();
    assert!(
        ratings::queue(&w.state, QueueKind::Reviews, 1)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(ratings::remind_of_reviews(&w.state).await.unwrap(), 0);
    age("update competency_ratings set review_due_on = current_date - 1 where state = 'CONFIRMED'")
        .await;
    let reviews = ratings::queue(&w.state, QueueKind::Reviews, 1)
        .await
        .unwrap();
    assert_eq!(reviews.total, 1);
    assert!(reviews.items[0].review_overdue);
    assert_eq!(ratings::remind_of_reviews(&w.state).await.unwrap(), 1);
    assert_eq!(
        w.count("select count(*) from notifications where kind = 'reviews_due'")
            .await,
        1
    );
    let pending = ratings::queue(&w.state, QueueKind::Pending, 1)
        .await
        .unwrap();
    assert_eq!(pending.total, 1);
    assert!(pending.items[0].reminded_at.is_some());
}
