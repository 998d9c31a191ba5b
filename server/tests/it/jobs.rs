//! The job queue against real PostgreSQL: transactional enqueue, de-duplication,
//! retries to DEAD, lease expiry after a worker dies, no double runs, LISTEN wake-ups,
//! and exactly-once scheduled fires.

use crate::common;

use crate::common::wait_for;
use app::jobs::{NewJob, enqueue};
use caretrack::{retry::RetryPolicy, schedule::CronSchedule};
use serde_json::json;
use server::jobs::{
    Registry,
    scheduler::{ScheduledJob, enqueue_due},
    worker::{self, WorkerConfig},
};
use sqlx::PgPool;
use std::{
    sync::{Arc, atomic::Ordering::Relaxed},
    time::Duration,
};
use time::macros::datetime;
use tokio::sync::oneshot;

fn fast_config(name: &str) -> WorkerConfig {
    WorkerConfig {
        worker_id: name.into(),
        lease: Duration::from_secs(2),
        poll_interval: Duration::from_millis(100),
        retry: RetryPolicy {
            base: time::Duration::milliseconds(20),
            cap: time::Duration::milliseconds(50),
            max_attempts: 8,
        },
        shutdown_grace: Duration::from_secs(2),
        ..WorkerConfig::new(4)
    }
}

/// Records each run of a job in `job_runs` so tests can count them.
fn recording_registry() -> Registry {
    let mut registry = Registry::new();
    registry.register("test.record", |ctx, payload| async move {
        sqlx::query("insert into job_runs (job_id, attempt, label) values ($1, $2, $3)")
            .bind(ctx.job_id)
            .bind(ctx.attempt)
            .bind(payload["label"].as_str().unwrap_or_default())
            .execute(&ctx.state.db)
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    });
    registry.register("test.always_fails", |_, _| async {
        Err("the printer is on fire".to_string())
    });
    registry.register("test.hangs", |ctx, _| async move {
        // Ticks while it runs, so a test can see whether it is still running.
        loop {
            sqlx::query("insert into job_runs (job_id, attempt, label) values ($1, $2, 'tick')")
                .bind(ctx.job_id)
                .bind(ctx.attempt)
                .execute(&ctx.state.db)
                .await
                .map_err(|e| e.to_string())?;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    registry.register("test.panics", |_, _| async { panic!("handler bug") });
    registry
}

async fn prepare(db: &PgPool) {
    sqlx::query(
        "create table job_runs (job_id uuid not null, attempt int not null, label text not null)",
    )
    .execute(db)
    .await
    .unwrap();
}

/// Starts a worker; the returned sender stops it, the handle waits for it.
fn start_worker(
    db: &PgPool,
    registry: Registry,
    config: WorkerConfig,
) -> (oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let (stop, stopped) = oneshot::channel::<()>();
    let state = common::state_with(db.clone(), &common::redis_url());
    let handle = tokio::spawn(worker::run(state, Arc::new(registry), config, async move {
        let _ = stopped.await;
    }));
    (stop, handle)
}

async fn count(db: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(db)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn jobs_commit_and_roll_back_with_the_business_change(db: PgPool) {
    let mut tx = db.begin().await.unwrap();
    enqueue(
        &mut tx,
        NewJob::new("test.record", &json!({"label": "lost"})),
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(count(&db, "select count(*) from jobs").await, 0);

    let mut tx = db.begin().await.unwrap();
    let id = enqueue(
        &mut tx,
        NewJob::new("test.record", &json!({"label": "kept"})),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(id.is_some());
    assert_eq!(
        count(&db, "select count(*) from jobs where status = 'QUEUED'").await,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_dedupe_key_enqueues_once(db: PgPool) {
    let mut conn = db.acquire().await.unwrap();
    let job = || NewJob::new("test.record", &json!({})).dedupe_key("reminder:rating:42");
    assert!(enqueue(&mut conn, job()).await.unwrap().is_some());
    assert!(enqueue(&mut conn, job()).await.unwrap().is_none());
    assert_eq!(count(&db, "select count(*) from jobs").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_worker_runs_jobs_and_marks_them_succeeded(db: PgPool) {
    prepare(&db).await;
    let mut conn = db.acquire().await.unwrap();
    for label in ["a", "b", "c"] {
        enqueue(
            &mut conn,
            NewJob::new("test.record", &json!({ "label": label })),
        )
        .await
        .unwrap();
    }
    let config = fast_config("w1");
    let metrics = config.metrics.clone();
    let (stop, handle) = start_worker(&db, recording_registry(), config);
    assert_eq!(
        wait_for(
            &db,
            "select count(*) from jobs where status = 'SUCCEEDED'",
            3
        )
        .await,
        3
    );
    stop.send(()).unwrap();
    handle.await.unwrap();
    assert_eq!(metrics.claimed.load(Relaxed), 3);
    assert_eq!(metrics.succeeded.load(Relaxed), 3);
    assert_eq!(count(&db, "select count(*) from job_runs").await, 3);
    assert_eq!(
        count(
            &db,
            "select count(*) from jobs where finished_at is null or locked_by is not null"
        )
        .await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_job_that_always_fails_ends_dead_with_its_error(db: PgPool) {
    let mut conn = db.acquire().await.unwrap();
    enqueue(
        &mut conn,
        NewJob::new("test.always_fails", &json!({})).max_attempts(3),
    )
    .await
    .unwrap();
    enqueue(
        &mut conn,
        NewJob::new("test.panics", &json!({})).max_attempts(2),
    )
    .await
    .unwrap();
    enqueue(&mut conn, NewJob::new("test.unknown_kind", &json!({})))
        .await
        .unwrap();
    let config = fast_config("w1");
    let metrics = config.metrics.clone();
    let (stop, handle) = start_worker(&db, recording_registry(), config);
    assert_eq!(
        wait_for(&db, "select count(*) from jobs where status = 'DEAD'", 3).await,
        3
    );
    stop.send(()).unwrap();
    handle.await.unwrap();
    assert_eq!(metrics.dead.load(Relaxed), 3);
    assert_eq!(
        metrics.retried.load(Relaxed),
        2 + 1,
        "two retries of the failing job, one of the panicking one"
    );

    let rows: Vec<(String, i32, String)> =
        sqlx::query_as("select kind, attempts, last_error from jobs order by kind")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(
        rows[0],
        (
            "test.always_fails".into(),
            3,
            "the printer is on fire".into()
        )
    );
    assert_eq!(
        rows[1],
        ("test.panics".into(), 2, "the job handler panicked".into())
    );
    assert_eq!(rows[2].0, "test.unknown_kind");
    assert_eq!(rows[2].1, 1, "an unknown kind is dead at once, not retried");
    assert!(rows[2].2.contains("no handler"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_dead_workers_job_is_run_again_after_its_lease_expires(db: PgPool) {
    prepare(&db).await;
    let mut conn = db.acquire().await.unwrap();
    let id = enqueue(&mut conn, NewJob::new("test.hangs", &json!({})))
        .await
        .unwrap()
        .unwrap();

    // Worker A claims the job and hangs; then it dies without any cleanup (its task is
    // aborted: no release, no more heartbeats).
    let (_stop_a, worker_a) = start_worker(&db, recording_registry(), fast_config("worker-a"));
    assert_eq!(
        wait_for(
            &db,
            "select count(*) from jobs where locked_by = 'worker-a'",
            1
        )
        .await,
        1
    );
    worker_a.abort();
    let _ = worker_a.await;

    // Worker B knows the job kind as one that completes; it must wait for A's lease.
    let mut registry_b = Registry::new();
    registry_b.register("test.hangs", |ctx, _| async move {
        sqlx::query("insert into job_runs (job_id, attempt, label) values ($1, $2, 'b')")
            .bind(ctx.job_id)
            .bind(ctx.attempt)
            .execute(&ctx.state.db)
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    });
    let (stop_b, worker_b) = start_worker(&db, registry_b, fast_config("worker-b"));
    assert_eq!(
        wait_for(
            &db,
            "select count(*) from jobs where status = 'SUCCEEDED'",
            1
        )
        .await,
        1
    );
    stop_b.send(()).unwrap();
    worker_b.await.unwrap();

    let (attempts, locked_by): (i32, Option<String>) =
        sqlx::query_as("select attempts, locked_by from jobs where id = $1")
            .bind(id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(attempts, 2, "the crashed attempt counts");
    assert_eq!(locked_by, None);
    assert_eq!(
        count(
            &db,
            "select count(*) from job_runs where label = 'b' and attempt = 2"
        )
        .await,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn competing_workers_run_each_job_exactly_once(db: PgPool) {
    prepare(&db).await;
    let mut conn = db.acquire().await.unwrap();
    for i in 0..60 {
        enqueue(
            &mut conn,
            NewJob::new("test.record", &json!({ "label": i.to_string() })),
        )
        .await
        .unwrap();
    }
    let workers: Vec<_> = ["w1", "w2", "w3"]
        .into_iter()
        .map(|name| start_worker(&db, recording_registry(), fast_config(name)))
        .collect();
    assert_eq!(
        wait_for(
            &db,
            "select count(*) from jobs where status = 'SUCCEEDED'",
            60
        )
        .await,
        60
    );
    for (stop, handle) in workers {
        stop.send(()).unwrap();
        handle.await.unwrap();
    }
    assert_eq!(count(&db, "select count(*) from job_runs").await, 60);
    assert_eq!(
        count(&db, "select count(distinct job_id) from job_runs").await,
        60
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_idle_worker_is_woken_by_notify(db: PgPool) {
    prepare(&db).await;
    let config = WorkerConfig {
        poll_interval: Duration::from_secs(600), // only a notification can wake it in time
        ..fast_config("sleeper")
    };
    let (stop, handle) = start_worker(&db, recording_registry(), config);
    tokio::time::sleep(Duration::from_millis(300)).await; // let it go idle

    let mut tx = db.begin().await.unwrap();
    enqueue(
        &mut tx,
        NewJob::new("test.record", &json!({"label": "wake"})),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(wait_for(&db, "select count(*) from job_runs", 1).await, 1);
    stop.send(()).unwrap();
    handle.await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn shutdown_hands_back_jobs_that_do_not_finish_in_time(db: PgPool) {
    prepare(&db).await;
    let mut conn = db.acquire().await.unwrap();
    enqueue(&mut conn, NewJob::new("test.hangs", &json!({})))
        .await
        .unwrap();
    let config = WorkerConfig {
        shutdown_grace: Duration::from_millis(200),
        ..fast_config("leaving")
    };
    let (stop, handle) = start_worker(&db, recording_registry(), config);
    assert_eq!(
        wait_for(&db, "select count(*) from jobs where status = 'RUNNING'", 1).await,
        1
    );
    stop.send(()).unwrap();
    handle.await.unwrap();
    let (status, attempts): (String, i32) =
        sqlx::query_as("select status::text, attempts from jobs")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), ("QUEUED", 0));
    // The handed-back job is not still running in the stopped worker.
    let ticks = count(&db, "select count(*) from job_runs").await;
    assert!(ticks > 0, "the handler ran before shutdown");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(count(&db, "select count(*) from job_runs").await, ticks);
}

#[sqlx::test(migrations = "../migrations")]
async fn scheduled_fires_are_enqueued_once_across_instances(db: PgPool) {
    let schedule = vec![ScheduledJob {
        name: "hourly-sweep",
        schedule: CronSchedule::parse("0 * * * *").unwrap(),
        kind: "test.record",
    }];
    let since = datetime!(2026-11-21 09:30 UTC);
    let until = datetime!(2026-11-21 12:10 UTC);
    // Two instances tick over the same window: 10:00, 11:00 and 12:00 fire once each.
    let (a, b) = tokio::join!(
        enqueue_due(&db, &schedule, since, until),
        enqueue_due(&db, &schedule, since, until)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 3);
    assert_eq!(count(&db, "select count(*) from jobs").await, 3);
    let keys: Vec<String> = sqlx::query_scalar("select dedupe_key from jobs order by run_at")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(
        keys[0],
        format!(
            "cron:hourly-sweep:{}",
            datetime!(2026-11-21 10:00 UTC).unix_timestamp()
        )
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn cleanup_removes_only_dead_credentials(db: PgPool) {
    let user: sqlx::types::Uuid = sqlx::query_scalar(
        "insert into users (email, role, password_hash) values ('a@example.com', 'CARER', 'x') returning id",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    sqlx::query(
        "insert into sessions (user_id, device_label, created_at, expires_at) values
            ($1, 'old phone', now() - interval '30 days', now() - interval '29 days'),
            ($1, 'this phone', now(), now() + interval '12 hours')",
    )
    .bind(user)
    .execute(&db)
    .await
    .unwrap();
    sqlx::query(
        "insert into password_reset_tokens (user_id, token_hash, created_at, expires_at, used_at) values
            ($1, '\\x01', now() - interval '20 days', now() - interval '20 days' + interval '1 hour', now() - interval '20 days'),
            ($1, '\\x02', now(), now() + interval '1 hour', null)",
    )
    .bind(user)
    .execute(&db)
    .await
    .unwrap();
    sqlx::query(
        "insert into email_change_tokens (user_id, new_email, token_hash, created_at, expires_at) values
            ($1, 'old@example.com', '\\x03', now() - interval '10 days', now() - interval '9 days'),
            ($1, 'new@example.com', '\\x04', now(), now() + interval '1 day')",
    )
    .bind(user)
    .execute(&db)
    .await
    .unwrap();
    let removed = server::jobs::scheduler::clean_up_expired_credentials(&db)
        .await
        .unwrap();
    assert_eq!(
        removed, 3,
        "one dead session, one used reset token, one expired email change"
    );
    let left: Vec<String> = sqlx::query_scalar("select device_label from sessions")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(left, ["this phone"]);
    let live_tokens: i64 = sqlx::query_scalar(
        "select (select count(*) from password_reset_tokens) + (select count(*) from email_change_tokens)",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(live_tokens, 2, "live tokens are kept");
}

/// `jobs.prune`: old finished jobs go, in batches; recent ones and unfinished ones stay,
/// however old.
#[sqlx::test(migrations = "../migrations")]
async fn old_finished_jobs_are_pruned_and_nothing_else(db: PgPool) {
    use server::jobs::prune::{JobRetention, Pruned, prune_finished};
    // (label, status, days since it last changed, finished?)
    let jobs = [
        ("succeeded-old-1", "SUCCEEDED", 20, true),
        ("succeeded-old-2", "SUCCEEDED", 15, true),
        ("succeeded-old-3", "SUCCEEDED", 400, true),
        ("succeeded-old-4", "SUCCEEDED", 30, true),
        ("succeeded-old-5", "SUCCEEDED", 16, false), // finished_at missing: updated_at counts
        ("succeeded-recent", "SUCCEEDED", 13, true),
        ("succeeded-today", "SUCCEEDED", 0, true),
        ("dead-old", "DEAD", 91, true),
        ("dead-recent", "DEAD", 20, true),
        ("failed-awaiting-retry", "FAILED", 200, false),
        ("queued-long-ago", "QUEUED", 200, false),
        ("running-long-ago", "RUNNING", 200, false),
    ];
    for (label, status, days, finished) in jobs {
        sqlx::query(
            "insert into jobs (kind, payload, status, attempts, created_at, updated_at,
                               finished_at, lease_expires_at, locked_by)
             values ('test.record', jsonb_build_object('label', $1::text), $2::text::job_status,
                     1, now() - make_interval(days => $3 + 1), now() - make_interval(days => $3),
                     case when $4 then now() - make_interval(days => $3) end,
                     case when $2 = 'RUNNING' then now() + interval '1 minute' end,
                     case when $2 = 'RUNNING' then 'elsewhere' end)",
        )
        .bind(label)
        .bind(status)
        .bind(days)
        .bind(finished)
        .execute(&db)
        .await
        .unwrap();
    }

    let enqueued_total = |db: PgPool| async move {
        let text = server::jobs::metrics::render(&db, &Default::default())
            .await
            .unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix("caretrack_jobs_enqueued_total "))
            .map(str::to_owned)
            .unwrap()
    };
    assert_eq!(enqueued_total(db.clone()).await, "12");

    // Batches of 2: the five old succeeded jobs take three statements.
    let pruned = prune_finished(&db, JobRetention::keeping_succeeded_for(14), 2)
        .await
        .unwrap();
    assert_eq!(
        pruned,
        Pruned {
            succeeded: 5,
            dead: 1
        }
    );
    let left: Vec<String> =
        sqlx::query_scalar("select payload->>'label' from jobs order by payload->>'label'")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(
        left,
        [
            "dead-recent",
            "failed-awaiting-retry",
            "queued-long-ago",
            "running-long-ago",
            "succeeded-recent",
            "succeeded-today",
        ]
    );
    // Jobs ever enqueued is a counter: pruning rows does not make it fall.
    assert_eq!(enqueued_total(db.clone()).await, "12");
    // Nothing more to do the next day.
    assert_eq!(
        prune_finished(&db, JobRetention::default(), 1000)
            .await
            .unwrap(),
        Pruned::default()
    );
}

/// The scheduled sweep runs as a job through the worker with the standard handlers.
#[sqlx::test(migrations = "../migrations")]
async fn the_prune_job_runs_through_the_worker(db: PgPool) {
    sqlx::query(
        "insert into jobs (kind, status, updated_at, finished_at)
         values ('test.record', 'SUCCEEDED', now() - interval '30 days', now() - interval '30 days'),
                ('test.record', 'SUCCEEDED', now() - interval '1 day', now() - interval '1 day')",
    )
    .execute(&db)
    .await
    .unwrap();
    let mut conn = db.acquire().await.unwrap();
    enqueue(
        &mut conn,
        NewJob::new(server::jobs::prune::PRUNE_KIND, &json!({})),
    )
    .await
    .unwrap();
    drop(conn);
    let mailer = server::mail::Mailer::directory(
        std::env::temp_dir().join("caretrack-prune-test"),
        "Test <test@care.example>".parse().unwrap(),
        server::mail::Brand {
            organisation_name: "Test".into(),
            logo_url: String::new(),
        },
    );
    let mut registry = Registry::standard(Arc::new(mailer), None, None);
    registry.keep_finished_jobs(server::jobs::prune::JobRetention::keeping_succeeded_for(7));
    let (stop, handle) = start_worker(&db, registry, fast_config("pruner"));
    let done = wait_for(
        &db,
        "select count(*) from jobs where kind = 'jobs.prune' and status = 'SUCCEEDED'",
        1,
    )
    .await;
    stop.send(()).unwrap();
    handle.await.unwrap();
    assert_eq!(done, 1, "the prune job ran");
    assert_eq!(
        count(&db, "select count(*) from jobs where kind = 'test.record'").await,
        1,
        "the 30-day-old job went, yesterday's stayed"
    );
}
