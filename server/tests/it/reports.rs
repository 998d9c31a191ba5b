//! The report pipeline end to end against the real database, Redis and job worker: a
//! request queues a job, the worker gathers, typesets and stores the PDF, a link
//! downloads it, an archived report outlives its expiry and an unarchived one does not.

use crate::common;
use app::audit::Actor;
use app::reports::api::ReportRequest;
use app::reports::ssr;
use caretrack::Role;
use server::jobs::{Registry, worker::WorkerConfig};
use server::mail::{Brand, Mailer};
use server::seed::seed_demo;
use sqlx::{PgPool, types::Uuid};
use std::{process::Command, sync::Arc, time::Duration};

const SAM: &str = "00000000-0000-4000-8000-000000000011";
const MANAGER: &str = "00000000-0000-4000-8000-000000000001";

fn registry() -> Registry {
    let mailer = Mailer::directory(
        std::env::temp_dir().join("caretrack-reports-test-mail"),
        "Test Care <office@care.example>".parse().unwrap(),
        Brand {
            organisation_name: "Test Care Ltd".into(),
            logo_url: String::new(),
        },
    );
    Registry::standard(Arc::new(mailer), None, None)
}

fn config() -> WorkerConfig {
    WorkerConfig {
        poll_interval: Duration::from_millis(50),
        ..WorkerConfig::new(1)
    }
}

fn manager() -> Actor {
    Actor {
        user_id: Some(MANAGER.parse().unwrap()),
        role: Some(Role::Admin),
        ..Actor::default()
    }
}

/// The demo organisation, on the test database.
async fn demo(db: &PgPool) -> app::state::AppState {
    let state = common::state_with(db.clone(), &common::redis_url());
    common::use_test_chain_key();
    seed_demo(db, &state.cipher, app::state::Environment::Development)
        .await
        .unwrap();
    state
}

/// The manager asks for Sam's evidence pack; the report's id.
async fn ask_for_sams_pack(state: &app::state::AppState) -> String {
    ssr::request(
        state,
        &manager(),
        ReportRequest::EvidencePack {
            carer_id: SAM.parse::<Uuid>().unwrap().into(),
        },
    )
    .await
    .unwrap()
}

async fn pdf_text(state: &app::state::AppState, id: Uuid) -> String {
    let key: String = sqlx::query_scalar("select object_key from reports where id = $1")
        .bind(id)
        .fetch_one(&state.db)
        .await
        .unwrap();
    let bytes = state.files.store.get(&key).await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let path = std::env::temp_dir().join(format!("caretrack-it-report-{id}.pdf"));
    std::fs::write(&path, &bytes).unwrap();
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by make test");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[sqlx::test(migrations = "../migrations")]
async fn an_evidence_pack_is_gathered_typeset_stored_and_downloaded_once_ready(db: PgPool) {
    let state = demo(&db).await;
    let id: Uuid = ask_for_sams_pack(&state).await.parse().unwrap();
    // Not ready yet: no link.
    let early = ssr::link(&state, &manager(), id.into()).await;
    assert!(early.unwrap_err().to_string().contains("not ready"));

    let ready = format!("select status = 'READY' from reports where id = '{id}'");
    assert!(common::work_until(state.clone(), registry(), config(), &ready).await);
    let row = sqlx::query!(
        "select title, progress, pages, size_bytes, expires_at > now() + interval '6 days' as \"keeps!\" from reports where id = $1",
        id
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(row.title, "Competency evidence pack · Sam Okafor");
    assert_eq!(row.progress, 100);
    assert!(row.pages.unwrap() >= 1 && row.size_bytes.unwrap() > 1000);
    assert!(row.keeps);

    // The PDF holds the carer's own data, gathered from the database.
    let text = pdf_text(&state, id).await;
    for expected in [
        "Competency evidence pack",
        "Sam Okafor",
        "sam@example.com",
        "Signed off before CareTrack (demo data)",
        "Confirmation history",
        &format!("Reference {id}"),
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }

    let url = ssr::link(&state, &manager(), id.into()).await.unwrap();
    assert!(
        url.starts_with(&format!("/files/local/reports/{id}.pdf?")),
        "{url}"
    );
    let audited: Vec<String> = sqlx::query_scalar(
        "select action from audit_log where entity_type = 'report' and entity_id = $1 order by id",
    )
    .bind(id.to_string())
    .fetch_all(&db)
    .await
    .unwrap();
    assert_eq!(audited, ["reports.requested", "reports.downloaded"]);

    let list = ssr::list(&db, 1).await.unwrap();
    assert_eq!(list.total, 1);
    assert!(list.rows[0].details.contains("KiB"), "{:?}", list.rows[0]);
    assert!(list.rows[0].keeping.starts_with("Expires"));
}

#[sqlx::test(migrations = "../migrations")]
async fn expired_reports_lose_their_file_unless_archived(db: PgPool) {
    let state = demo(&db).await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        ids.push(ask_for_sams_pack(&state).await);
    }
    let all_ready = "select count(*) = 2 from reports where status = 'READY'";
    assert!(common::work_until(state.clone(), registry(), config(), all_ready).await);
    let (kept, dropped) = (&ids[0], &ids[1]);
    ssr::archive(&state, &manager(), kept.parse().unwrap(), true)
        .await
        .unwrap();
    // A viewer reads reports but may not archive them.
    let viewer = Actor {
        role: Some(Role::Viewer),
        ..manager()
    };
    assert!(matches!(
        ssr::archive(&state, &viewer, dropped.parse().unwrap(), true).await,
        Err(app::error::AppError::Forbidden)
    ));
    sqlx::query("update reports set expires_at = now() - interval '1 minute'")
        .execute(&db)
        .await
        .unwrap();
    let dropped_key: String =
        sqlx::query_scalar("select object_key from reports where id = $1::uuid")
            .bind(dropped)
            .fetch_one(&db)
            .await
            .unwrap();

    assert_eq!(ssr::expire(&state).await.unwrap(), 1);
    let statuses: Vec<(String, String)> =
        sqlx::query_as("select id::text, status from reports order by status")
            .fetch_all(&db)
            .await
            .unwrap();
    assert!(
        statuses.contains(&(kept.clone(), "READY".into())),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&(dropped.clone(), "EXPIRED".into())),
        "{statuses:?}"
    );
    assert!(
        state.files.store.get(&dropped_key).await.is_err(),
        "the file is gone"
    );
    let refused = ssr::link(&state, &manager(), dropped.parse().unwrap())
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("expired"), "{refused}");
    assert!(
        ssr::link(&state, &manager(), kept.parse().unwrap())
            .await
            .is_ok()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn requests_are_checked_before_anything_is_queued(db: PgPool) {
    let state = demo(&db).await;
    let manager_is_no_carer = ReportRequest::EvidencePack {
        carer_id: MANAGER.parse::<Uuid>().unwrap().into(),
    };
    let package: Uuid = sqlx::query_scalar("select id from care_packages limit 1")
        .fetch_one(&db)
        .await
        .unwrap();
    let a_tuesday = ReportRequest::RotaWeek {
        package_id: package.into(),
        week: "2026-11-24".into(),
    };
    let backwards = ReportRequest::Compliance {
        from: "2026-11-30".into(),
        to: "2026-11-01".into(),
    };
    for (request, field) in [
        (manager_is_no_carer, "carer"),
        (a_tuesday, "week"),
        (backwards, "to"),
    ] {
        match ssr::request(&state, &manager(), request).await {
            Err(app::error::AppError::Validation { field: got, .. }) => assert_eq!(got, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    let queued: i64 = sqlx::query_scalar("select count(*) from reports")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(queued, 0);
}

/// A published week with a warning accepted for a reason: the rota shows who works,
/// the compliance summary the override, the engine's finding and the period's figures.
#[sqlx::test(migrations = "../migrations")]
async fn the_rota_and_the_compliance_summary_show_a_published_week(db: PgPool) {
    use crate::rota::{WEEK, world};
    use app::rota::week::api::Override;
    let w = world(db.clone()).await;
    sqlx::query("update user_profiles set contracted_weekly_hours = 10 where user_id = $1")
        .bind(w.megan.into_uuid())
        .execute(&db)
        .await
        .unwrap();
    let report = w.save_megan_on_monday().await;
    let warning = report.violations[0].clone();
    w.publish(
        1,
        vec![Override {
            rule: warning.rule,
            carer_id: warning.carer_id,
            shift_ids: warning.shift_ids.clone(),
            reason: "Megan asked for the extra hours this week.".into(),
        }],
    )
    .await
    .unwrap();

    let mut manager = w.manager.clone();
    manager.role = Some(Role::Admin);
    let rota = ssr::request(
        &w.state,
        &manager,
        ReportRequest::RotaWeek {
            package_id: w.package,
            week: caretrack::days::text(WEEK),
        },
    )
    .await
    .unwrap();
    let compliance = ssr::request(
        &w.state,
        &manager,
        ReportRequest::Compliance {
            from: caretrack::days::text(WEEK),
            to: caretrack::days::text(WEEK + time::Duration::days(6)),
        },
    )
    .await
    .unwrap();
    let both_ready = "select count(*) = 2 from reports where status = 'READY'";
    assert!(common::work_until(w.state.clone(), registry(), config(), both_ready).await);

    let rota_text = pdf_text(&w.state, rota.parse().unwrap()).await;
    for expected in [
        "Rota",
        "Elm Cottage",
        "Megan Tester",
        "1 of 1",
        "Hours this week",
    ] {
        assert!(
            rota_text.contains(expected),
            "{expected:?} missing from {rota_text}"
        );
    }
    let text = pdf_text(&w.state, compliance.parse().unwrap()).await;
    for expected in [
        "Compliance summary",
        // The figures' grid reads column by column.
        "Published weeks checked Shifts worked Hours worked (less breaks) Rule overrides Rule breaches",
        "1 1 11.5 1 1 — errors: 0, warnings: 1 0 0",
        "Megan asked for the extra hours this week.",
        caretrack::rota::RuleId::MaxContractedHours.label(),
        "Planned for 11.5 h",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
}

/// A report whose subject is gone by the time the worker gets to it fails on its last
/// try: the row says so and points to the Jobs page, and no link is given.
#[sqlx::test(migrations = "../migrations")]
async fn a_report_that_cannot_be_made_is_marked_failed_after_its_last_try(db: PgPool) {
    let state = demo(&db).await;
    let id = ask_for_sams_pack(&state).await;
    sqlx::query("update users set deleted_at = now() where id = $1::uuid")
        .bind(SAM)
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("update jobs set max_attempts = 1 where kind = 'reports.render'")
        .execute(&db)
        .await
        .unwrap();
    let failed = format!("select status = 'FAILED' from reports where id = '{id}'");
    assert!(common::work_until(state.clone(), registry(), config(), &failed).await);
    let list = ssr::list(&db, 1).await.unwrap();
    assert_eq!(list.rows[0].status, app::reports::api::ReportStatus::Failed);
    assert!(
        list.rows[0].error.contains("Jobs page"),
        "{:?}",
        list.rows[0]
    );
    let refused = ssr::link(&state, &manager(), id.parse().unwrap())
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("not ready"), "{refused}");
}
