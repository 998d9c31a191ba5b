//! Faults under load, against a release build (`scripts/chaos.sh [CARERS=300] [SECONDS=100]`).
//!
//! In a scratch database it seeds one care package with five tasks and CARERS carers,
//! starts the release `server serve` (web only) and `server worker` as child processes
//! on loopback, and runs a paced load from CARERS simulated phones: daily logs (85 %),
//! the carer's home page (10 %) and sign-ins (5 %), about one request a carer every five
//! seconds, each phone from an address of its own (`X-Forwarded-For` through a trusted
//! loopback proxy). A log is kept and sent again with the same idempotency key until the
//! server acknowledges it, as a phone's offline outbox does. Meanwhile, on a timeline:
//!
//! 1. Redis is killed with SIGKILL, and started again five seconds later;
//! 2. PostgreSQL is restarted (a fast shutdown: open connections are cut);
//! 3. forty password resets queue emails and eight three-second jobs are queued, then the
//!    worker is killed with SIGKILL mid-job and started again;
//! 4. fifty clients open connections and send their request a byte at a time.
//!
//! Then the load stops, unacknowledged logs are sent until acknowledged, and the queue
//! drains. It reports: acknowledged logs against stored logs (0 lost or doubled is the
//! target), for each fault the failed requests by status and the time from the service's
//! return to the first acknowledged log (target < 5 s), every 5xx and whether it carried
//! `Retry-After`, each queued email's deliveries (exactly once is the target), and the
//! web server's resident memory before and after.

#[path = "../common/mod.rs"]
mod common;
mod phones;
mod processes;
mod report;

use phones::*;
use processes::*;
use report::*;

use app::auth::{RequestMeta, sessions};
use axum::body::Bytes;
use caretrack::Role;
use http_body_util::{BodyExt, Full};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use sqlx::{PgPool, types::Uuid};
use std::{
    collections::{BTreeMap, HashSet},
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use tokio::io::AsyncWriteExt;

const TASKS: usize = 5;
const PACKAGE: &str = "00000000-0000-4000-c000-000000000002";
const PASSWORD: &str = "a phone in every pocket";
/// How often each phone acts, on average.
const EVERY: Duration = Duration::from_secs(5);
/// A request not answered in this time counts as failed (and a log is sent again).
const TIMEOUT: Duration = Duration::from_secs(10);

fn carer_id(n: usize) -> Uuid {
    format!("00000000-0000-4000-a000-{n:012}").parse().unwrap()
}

fn task_id(n: usize) -> Uuid {
    format!("00000000-0000-4000-b000-{n:012}").parse().unwrap()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _ = dotenvy::dotenv();
    let carers = common::arg(1, 300)?;
    let seconds = common::arg(2, 100)? as f64;
    let root = PathBuf::from(std::env::var("CHAOS_ROOT")?);
    let binary = root.join("target-chaos/release/server");
    let scratch = common::ScratchDatabase::create().await?;
    let (_config, state) = common::state().await?;
    seed(&state.db, carers, &state.auth.hasher.hash_now(PASSWORD)).await?;
    let mut tokens = Vec::with_capacity(carers);
    for n in 1..=carers {
        let session =
            sessions::start(&state, carer_id(n), Role::Carer, &RequestMeta::default()).await?;
        tokens.push(session.access_token);
    }

    let port = free_port();
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut web = spawn(&binary, "serve", &scratch.url, port)?;
    let mut worker = spawn(&binary, "worker", &scratch.url, port)?;
    wait_until_ready(addr).await?;

    let http: Http = Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build_http();
    let record: Shared = Arc::default();
    let start = Instant::now();
    let until = start + Duration::from_secs_f64(seconds);
    let mut phones = tokio::task::JoinSet::new();
    for (n, token) in tokens.into_iter().enumerate() {
        phones.spawn(phone(
            http.clone(),
            addr,
            n + 1,
            token,
            start,
            until,
            record.clone(),
        ));
    }

    let rss_before = {
        tokio::time::sleep(Duration::from_secs(10)).await;
        rss_kib(web.id())
    };
    let at = |record: &Shared, what: &'static str, returned: bool| {
        let t = start.elapsed().as_secs_f64();
        let mut record = record.lock().unwrap();
        if returned {
            record.returned.insert(what, t);
        } else {
            record.began.insert(what, t);
        }
    };

    // 1. Redis, killed and started again.
    sleep_until(start, 15.0).await;
    at(&record, "redis", false);
    let redis_pid = std::fs::read_to_string(root.join(".data/redis/redis.pid"))?;
    Command::new("kill")
        .args(["-9", redis_pid.trim()])
        .status()?;
    sleep_until(start, 20.0).await;
    services(&root, "up")?;
    at(&record, "redis", true);

    // 2. PostgreSQL, restarted.
    sleep_until(start, 35.0).await;
    at(&record, "postgres", false);
    services(&root, "restart-postgres")?;
    at(&record, "postgres", true);

    // 3. Emails queued, jobs running, the worker killed mid-job and started again.
    sleep_until(start, 50.0).await;
    for n in 1..=40 {
        let body = format!("email=carer{n}%40chaos.example");
        let _ = send(
            &http,
            addr,
            n,
            "POST",
            "/api/request_password_reset",
            None,
            Some(("application/x-www-form-urlencoded", body)),
        )
        .await;
    }
    sleep_until(start, 53.0).await;
    // The harness's own connections were cut by the restart too: a fresh pool.
    let db = PgPool::connect(&scratch.url).await?;
    for _ in 0..8 {
        let mut conn = db.acquire().await?;
        app::jobs::enqueue(
            &mut conn,
            app::jobs::NewJob::new(
                server::jobs::DIAGNOSTIC_SLEEP_KIND,
                &serde_json::json!({ "millis": 3000 }),
            ),
        )
        .await?;
    }
    sleep_until(start, 55.0).await;
    at(&record, "worker", false);
    worker.kill()?;
    let _ = worker.wait();
    sleep_until(start, 58.0).await;
    worker = spawn(&binary, "worker", &scratch.url, port)?;
    at(&record, "worker", true);

    // 4. Fifty clients sending their request a byte at a time.
    sleep_until(start, 65.0).await;
    at(&record, "slow clients", false);
    let slow: Vec<_> = (0..50)
        .map(|_| tokio::spawn(dribble(addr, Duration::from_secs(30))))
        .collect();
    sleep_until(start, 95.0).await;
    let cut = futures::future::join_all(slow)
        .await
        .into_iter()
        .filter(|r| matches!(r, Ok(true)))
        .count();
    at(&record, "slow clients", true);

    while phones.join_next().await.is_some() {}
    let rss_after = rss_kib(web.id());

    // Logs still unacknowledged are sent until they are (a phone's outbox).
    let drained = drain(&http, addr, &record).await;
    // The queue drains: every email sent or failed for good.
    let mut waited = 0;
    while waited < 120 {
        let open: i64 = sqlx::query_scalar(
            "select count(*) from jobs where kind in ('email.send', 'diagnostics.sleep') and status not in ('SUCCEEDED', 'DEAD')",
        )
        .fetch_one(&db)
        .await?;
        if open == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        waited += 1;
    }

    let stored: i64 = sqlx::query_scalar("select count(*) from task_completions")
        .fetch_one(&db)
        .await?;
    let stored_keys: i64 =
        sqlx::query_scalar("select count(distinct idempotency_key) from task_completions")
            .fetch_one(&db)
            .await?;
    let emails: Vec<String> = sqlx::query_scalar(
        "select message_id from email_messages where status = 'SENT' order by message_id",
    )
    .fetch_all(&db)
    .await?;
    let email_rows: i64 = sqlx::query_scalar("select count(*) from email_messages")
        .fetch_one(&db)
        .await?;
    let delivered = delivered_message_ids(&root)?;

    let _ = web.kill();
    let _ = worker.kill();
    let _ = web.wait();
    let _ = worker.wait();
    db.close().await;
    drop(state);
    scratch.drop().await?;

    let record = record.lock().unwrap();
    report(
        &record,
        Report {
            carers,
            seconds,
            stored,
            stored_keys,
            drained,
            email_rows,
            emails_sent: &emails,
            delivered: &delivered,
            rss_before,
            rss_after,
            slow_cut: cut,
        },
    );
    Ok(())
}
