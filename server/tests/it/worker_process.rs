//! `kill -9` a real worker process while it runs jobs: none are lost. A second worker
//! process runs them once their leases expire.

use crate::common;

use app::jobs::{NewJob, enqueue};
use serde_json::json;
use server::jobs::DIAGNOSTIC_SLEEP_KIND;
use sqlx::PgPool;
use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

fn spawn_worker(database_url: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("worker")
        .env("APP_ENV", "test")
        .env("DATABASE_URL", database_url)
        .env("REDIS_URL", common::redis_url())
        .env(
            "DATA_ENCRYPTION_KEYS",
            "test1:KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=",
        )
        .env("WORKER_CONCURRENCY", "4")
        .env("SCHEDULER_ENABLED", "false")
        .env("MIGRATE_ON_START", "false")
        .env("JOB_LEASE_SECONDS", "2")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("the server binary runs")
}

#[sqlx::test(migrations = "../migrations")]
async fn kill_9_during_jobs_loses_none(db: PgPool) {
    let base = std::env::var("DATABASE_URL").expect("run with make test");
    let database = db.connect_options().get_database().unwrap().to_owned();
    let url = format!("{}/{database}", base.rsplit_once('/').unwrap().0);

    let mut conn = db.acquire().await.unwrap();
    for _ in 0..3 {
        enqueue(
            &mut conn,
            NewJob::new(DIAGNOSTIC_SLEEP_KIND, &json!({ "millis": 1500 })),
        )
        .await
        .unwrap();
    }

    let mut first = spawn_worker(&url);
    let running = common::wait_for_within(
        &db,
        "select count(*) from jobs where status = 'RUNNING'",
        3,
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(running, 3, "the first worker claimed every job");
    first.kill().unwrap(); // SIGKILL: no shutdown, no release, no heartbeat
    first.wait().unwrap();
    let still_claimed: i64 =
        sqlx::query_scalar("select count(*) from jobs where status = 'RUNNING'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(still_claimed, 3, "the killed worker released nothing");

    let mut second = spawn_worker(&url);
    let done = common::wait_for_within(
        &db,
        "select count(*) from jobs where status = 'SUCCEEDED'",
        3,
        Duration::from_secs(30),
    )
    .await;
    second.kill().unwrap();
    second.wait().unwrap();
    assert_eq!(done, 3, "every job ran to completion after the crash");
    let attempts: Vec<i32> = sqlx::query_scalar("select attempts from jobs")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(
        attempts,
        [2, 2, 2],
        "each job ran once more, after its lease expired"
    );
}
