//! The analytics charts and the CSV exports against the real database: the figures are
//! what the rows say (progress bands, competent carers per package task, paid hours
//! split by kind, completed assessments per month), periods are checked, and every
//! export answers CSV to those allowed, only their own rows to a carer, and is audited.

use crate::common;
use crate::rota::{WEEK, world};
use app::analytics::ssr;
use axum::{body::Body, http::Request};
use caretrack::analytics::{ProgressBand, YearMonth};
use sqlx::{PgPool, types::Uuid};
use time::{Duration, OffsetDateTime};

async fn token(state: &app::state::AppState, user: Uuid, role: caretrack::Role) -> String {
    app::auth::sessions::start(state, user, role, &Default::default())
        .await
        .unwrap()
        .access_token
}

async fn csv(router: axum::Router, token: &str, path: &str) -> common::TestResponse {
    common::send(
        router,
        Request::get(path)
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn audits(db: &PgPool, action: &str) -> i64 {
    sqlx::query_scalar("select count(*) from audit_log where action = $1")
        .bind(action)
        .fetch_one(db)
        .await
        .unwrap()
}

/// A completed (or other `status`) assessment of `carer`, finished at `when`.
async fn assessment(db: &PgPool, carer: Uuid, status: &str, when: OffsetDateTime) {
    sqlx::query(
        "with t as (insert into assessment_templates default values returning id),
              v as (insert into assessment_template_versions
                        (template_id, version, title, knowledge_weight, practical_weight,
                         emergency_weight, pass_thresholds)
                    select id, 1, 'Medication', 100, 0, 0, '{}' from t returning id, template_id)
         insert into assessments (template_id, template_version_id, carer_id, status, completed_at)
         select template_id, id, $1, $2::text::assessment_status, $3 from v",
    )
    .bind(carer)
    .bind(status)
    .bind(when)
    .execute(db)
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn the_charts_count_what_the_rows_say(db: PgPool) {
    // Elm Cottage needs Medication (target 5); Megan is competent in it, Ali is not.
    let w = world(db.clone()).await;
    let (megan, ali) = (w.megan.into_uuid(), w.ali.into_uuid());
    let task: Uuid = sqlx::query_scalar("select id from tasks where name = 'Medication'")
        .fetch_one(&db)
        .await
        .unwrap();

    // Progress: Megan has reached the target, Ali has logged nothing.
    sqlx::query(
        "insert into task_progress (carer_id, task_id, completed_count) values ($1, $2, 7)",
    )
    .bind(megan)
    .bind(task)
    .execute(&db)
    .await
    .unwrap();
    let progress = ssr::progress(&db, 1).await.unwrap();
    assert_eq!(progress.total, 1);
    let bands = &progress.items[0];
    assert_eq!(bands.task.name, "Medication");
    assert_eq!(bands.bands.get(ProgressBand::Complete), 1);
    assert_eq!(bands.bands.get(ProgressBand::NotStarted), 1);
    assert_eq!(bands.bands.total(), 2);

    // Coverage: one of the two carers is competent. A pending rating does not count.
    let coverage = ssr::coverage(&db, 1).await.unwrap();
    assert_eq!(coverage.total, 1);
    let elm = &coverage.items[0];
    assert_eq!((elm.package.name.as_str(), elm.carers), ("Elm Cottage", 2));
    assert_eq!(elm.tasks.len(), 1);
    assert_eq!(elm.tasks[0].competent, 1);
    sqlx::query(
        "insert into competency_ratings (carer_id, task_id, level, state, source)
         values ($1, $2, 'EXPERT', 'PENDING', 'ASSESSMENT')",
    )
    .bind(ali)
    .bind(task)
    .execute(&db)
    .await
    .unwrap();
    assert_eq!(
        ssr::coverage(&db, 1).await.unwrap().items[0].tasks[0].competent,
        1,
        "a rating the carer has not confirmed does not make them competent"
    );

    // Hours: Megan works Monday's day shift of the published week; Ali nothing.
    w.save_megan_on_monday().await;
    w.publish(1, vec![]).await.unwrap();
    let paid_minutes: i64 = sqlx::query_scalar(
        "select (extract(epoch from s.ends_at - s.starts_at) / 60)::int8 - s.break_minutes
           from rota_entries re join shifts s on s.id = re.shift_id where re.carer_id = $1",
    )
    .bind(megan)
    .fetch_one(&db)
    .await
    .unwrap();
    let week = caretrack::days::text(WEEK);
    let sunday = caretrack::days::text(WEEK + Duration::days(6));
    let hours = ssr::hours(&db, &week, &sunday, 1, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(hours.carers.total, 2, "carers without hours are listed too");
    let first = &hours.carers.items[0];
    assert_eq!(first.carer.id.into_uuid(), megan, "busiest first");
    assert_eq!(first.mix.weekday_minutes, paid_minutes);
    assert_eq!(
        (first.mix.shifts, first.mix.nights, first.mix.weekend_shifts),
        (1, 0, 0)
    );
    assert_eq!(hours.carers.items[1].mix.total_minutes(), 0);
    assert_eq!(hours.fairness.carers, 2);
    assert_eq!(hours.fairness.mean_minutes, paid_minutes / 2);
    assert_eq!(hours.fairness.spread_minutes, paid_minutes);
    assert_eq!(hours.busiest_minutes, paid_minutes);
    // The week after has nothing.
    let later = ssr::hours(
        &db,
        &caretrack::days::text(WEEK + Duration::days(7)),
        &caretrack::days::text(WEEK + Duration::days(13)),
        1,
        OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    assert_eq!(later.busiest_minutes, 0);

    // Assessments: two completed this month, one last month; cancelled ones and those
    // older than the chart's twelve months are left out.
    let now = OffsetDateTime::now_utc();
    for (status, when) in [
        ("COMPLETED", now),
        ("COMPLETED", now - Duration::minutes(1)),
        ("CANCELLED", now),
        ("COMPLETED", now - Duration::days(400)),
    ] {
        assessment(&db, megan, status, when).await;
    }
    let this_month = YearMonth::of(caretrack::london::business_day(now));
    assessment(
        &db,
        ali,
        "COMPLETED",
        caretrack::london::start_of_day(this_month.first_day()) - Duration::hours(1),
    )
    .await;
    let months = ssr::assessments(&db, now).await.unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months[11].month, this_month);
    assert_eq!(months[11].completed, 2);
    assert_eq!(months[10].month, this_month.previous());
    assert_eq!(months[10].completed, 1);
    assert_eq!(months.iter().map(|m| m.completed).sum::<u32>(), 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_hours_period_is_checked(db: PgPool) {
    for (from, to, field) in [
        ("2026-11-30", "2026-11-01", "to"),
        ("2025-01-01", "2026-06-01", "to"),
        ("next week", "2026-11-01", "from"),
    ] {
        match ssr::hours(&db, from, to, 1, OffsetDateTime::now_utc()).await {
            Err(app::error::AppError::Validation { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{from}–{to}: {other:?}"),
        }
    }
    // No period chosen: the four weeks up to today.
    let now = OffsetDateTime::now_utc();
    let chart = ssr::hours(&db, "", "", 1, now).await.unwrap();
    let today = caretrack::london::business_day(now);
    assert_eq!(chart.to, caretrack::days::text(today));
    assert_eq!(
        chart.from,
        caretrack::days::text(today - Duration::days(27))
    );
    assert_eq!(
        chart.period,
        format!(
            "{} to {}",
            caretrack::london::format_date(today - Duration::days(27)),
            caretrack::london::format_date(today)
        )
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn table_views_export_as_csv_to_those_allowed(db: PgPool) {
    let w = world(db.clone()).await;
    let megan = w.megan.into_uuid();
    let manager = w.manager.user_id.unwrap();
    w.save_megan_on_monday().await;
    w.publish(1, vec![]).await.unwrap();
    let router = server::startup::build_router(w.state.clone());
    let boss = token(&w.state, manager, caretrack::Role::Admin).await;
    let carer = token(&w.state, megan, caretrack::Role::Carer).await;

    // People: the carers tab, searched.
    let people = csv(
        router.clone(),
        &boss,
        "/api/v1/admin/users.csv?tab=Carers&search=megan",
    )
    .await;
    assert_eq!(people.status, 200, "{}", people.body);
    assert!(
        people.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        people.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("caretrack-people-")
    );
    let lines: Vec<&str> = people.body.lines().collect();
    assert_eq!(lines[0], "id,name,email,role,active,locked,last_sign_in");
    assert_eq!(lines.len(), 2, "{}", people.body);
    assert!(
        lines[1].starts_with(&format!("{megan},Megan Tester,megan-")),
        "{}",
        lines[1]
    );
    let office = csv(router.clone(), &boss, "/api/v1/admin/users.csv?tab=Office").await;
    assert!(
        office.body.contains("Alex Tester") && !office.body.contains("Megan"),
        "{}",
        office.body
    );
    assert_eq!(
        csv(router.clone(), &carer, "/api/v1/admin/users.csv")
            .await
            .status,
        403
    );
    let bad = csv(
        router.clone(),
        &boss,
        "/api/v1/admin/users.csv?tab=Everyone",
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);

    // Progress: everyone's for the manager, a carer's own only for the carer.
    let all = csv(router.clone(), &boss, "/api/v1/admin/progress.csv").await;
    assert_eq!(all.status, 200, "{}", all.body);
    let lines: Vec<&str> = all.body.lines().collect();
    assert!(lines[0].starts_with("carer_id,carer,email,active,task,category,assigned,completed,target,percent,band,competency"));
    assert_eq!(lines.len(), 3, "Ali and Megan, one task each: {}", all.body);
    let megans = lines.iter().find(|l| l.contains("Megan Tester")).unwrap();
    assert!(
        megans.contains(",Medication,General,yes,0,5,0.0,Not started,Competent,"),
        "{megans}"
    );
    let own = csv(router.clone(), &carer, "/api/v1/admin/progress.csv").await;
    assert_eq!(own.status, 200, "{}", own.body);
    assert_eq!(own.body.lines().count(), 2, "{}", own.body);
    assert!(own.body.contains("Megan Tester") && !own.body.contains("Ali Tester"));

    // The rota week as published: Megan on Monday's day shift; the other slots empty.
    let path = format!(
        "/api/v1/rota/{}/week.csv?week={}",
        w.package,
        caretrack::days::text(WEEK)
    );
    let rota = csv(router.clone(), &boss, &path).await;
    assert_eq!(rota.status, 200, "{}", rota.body);
    let lines: Vec<&str> = rota.body.lines().collect();
    assert_eq!(
        lines[0],
        "package,date,shift,times,unpaid_break_minutes,paid_hours,headcount,carer"
    );
    assert_eq!(
        lines.len(),
        1 + 14,
        "seven days and seven nights: {}",
        rota.body
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.ends_with(",Megan Tester"))
            .count(),
        1
    );
    // Monday's day shift: 12 hours less its unpaid half hour.
    assert_eq!(
        lines[1],
        "Elm Cottage,Mon 3 Mar,Day,08:00–20:00,30,11.50,1,Megan Tester"
    );
    assert_eq!(csv(router.clone(), &carer, &path).await.status, 403);

    // The spreadsheet of the same week is audited the same way, with its format.
    let xlsx = csv(
        router.clone(),
        &boss,
        &path.replace("week.csv", "week.xlsx"),
    )
    .await;
    assert_eq!(xlsx.status, 200, "{}", xlsx.body);
    let formats: Vec<String> = sqlx::query_scalar(
        "select after->>'format' from audit_log where action = 'rota.export' order by id",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(formats, ["csv", "xlsx"]);

    for action in ["users.export", "progress.export", "rota.export"] {
        assert!(audits(&db, action).await >= 1, "{action} is audited");
    }
}
