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
