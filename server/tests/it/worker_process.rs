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
    worker_command(database_url)
        .spawn()
        .expect("the server binary runs")
}

fn worker_command(database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .arg("worker")
        .env("APP_ENV", "test")
        .env("DATABASE_URL", database_url)
        .env("REDIS_URL", common::redis_url())
        .env(
            "DATA_ENCRYPTION_KEYS",
            "test1:KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=",
        )
        .env(
            "AUDIT_CHAIN_KEYS",
            "test1:KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=",
        )
        .env("WORKER_CONCURRENCY", "4")
        .env("SCHEDULER_ENABLED", "false")
        .env("MIGRATE_ON_START", "false")
        .env("JOB_LEASE_SECONDS", "2")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null());
    command
}

/// The test's own database, as a URL for a child process.
fn database_url(db: &PgPool) -> String {
    let base = std::env::var("DATABASE_URL").expect("run with make test");
    let database = db.connect_options().get_database().unwrap().to_owned();
    format!("{}/{database}", base.rsplit_once('/').unwrap().0)
}

#[sqlx::test(migrations = "../migrations")]
async fn kill_9_during_jobs_loses_none(db: PgPool) {
    let url = database_url(&db);

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

/// A plain HTTP/1.1 GET: (status, body).
async fn http_get(port: u16, path: &str, bearer: Option<&str>) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let auth = bearer
        .map(|token| format!("Authorization: Bearer {token}\r\n"))
        .unwrap_or_default();
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {response}"));
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// `server worker` with `WORKER_METRICS_ADDR` serves `/healthz` and, with the bearer
/// token, `/metrics`: the queue and this worker's own counters and pool.
#[sqlx::test(migrations = "../migrations")]
async fn a_worker_serves_health_and_guarded_metrics(db: PgPool) {
    let mut conn = db.acquire().await.unwrap();
    enqueue(
        &mut conn,
        NewJob::new(DIAGNOSTIC_SLEEP_KIND, &json!({ "millis": 0 })),
    )
    .await
    .unwrap();
    drop(conn);

    let port = common::free_port();
    let mut worker = worker_command(&database_url(&db))
        .env("WORKER_METRICS_ADDR", format!("127.0.0.1:{port}"))
        .env("METRICS_TOKEN", "worker-scrape-token")
        .spawn()
        .expect("the server binary runs");
    common::wait_for_port(port, "the worker's metrics listener");
    let done = common::wait_for_within(
        &db,
        "select count(*) from jobs where status = 'SUCCEEDED'",
        1,
        Duration::from_secs(30),
    )
    .await;

    let health = http_get(port, "/healthz", None).await;
    let refused = http_get(port, "/metrics", None).await;
    let wrong = http_get(port, "/metrics", Some("guess")).await;
    let (status, metrics) = http_get(port, "/metrics", Some("worker-scrape-token")).await;
    let elsewhere = http_get(port, "/admin", None).await;
    worker.kill().unwrap();
    worker.wait().unwrap();

    assert_eq!(done, 1, "the worker ran the job");
    assert_eq!(health, (200, r#"{"status":"ok"}"#.to_owned()));
    assert_eq!(refused.0, 401);
    assert_eq!(wrong.0, 401);
    assert_eq!(status, 200, "{metrics}");
    for line in [
        "caretrack_jobs{queue=\"default\",status=\"SUCCEEDED\"} 1",
        "caretrack_jobs_claimed_total 1",
        "caretrack_jobs_succeeded_total 1",
        "caretrack_db_pool_max_connections 10",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "{line} missing from\n{metrics}"
        );
    }
    assert!(metrics.contains("caretrack_db_pool_connections{state=\"in_use\"}"));
    assert_eq!(elsewhere.0, 404, "the worker serves nothing else");
}
