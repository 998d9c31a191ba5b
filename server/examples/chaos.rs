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

mod common;

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

type Http = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

fn carer_id(n: usize) -> Uuid {
    format!("00000000-0000-4000-a000-{n:012}").parse().unwrap()
}

fn task_id(n: usize) -> Uuid {
    format!("00000000-0000-4000-b000-{n:012}").parse().unwrap()
}

/// One request's outcome, seconds after the load started.
#[derive(Clone, Debug)]
struct Outcome {
    at: f64,
    kind: &'static str,
    /// The status, or 0 when there was no answer (refused, reset, timed out).
    status: u16,
    retry_after: bool,
}

#[derive(Default)]
struct Record {
    outcomes: Vec<Outcome>,
    /// Logs the server acknowledged: (idempotency key, count).
    acknowledged: HashSet<Uuid>,
    /// When each fault's service came back, by fault.
    returned: BTreeMap<&'static str, f64>,
    began: BTreeMap<&'static str, f64>,
    /// Logs left unacknowledged when the load stopped: (phone, token, key, task).
    outbox: Vec<(usize, String, Uuid, Uuid)>,
}

type Shared = Arc<Mutex<Record>>;

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

/// One package, `TASKS` tasks, and `carers` carers placed there, all with `hash`.
async fn seed(db: &PgPool, carers: usize, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into care_packages (id, name, postcode_district, client_name_enc,
                                    client_name_key_id, address_enc, address_key_id)
         values ($1, 'Chaos', 'M14', '\\x00', 'chaos', '\\x00', 'chaos')",
    )
    .bind(PACKAGE.parse::<Uuid>().unwrap())
    .execute(db)
    .await?;
    for n in 1..=TASKS {
        sqlx::query(
            "with t as (insert into tasks (id, name, target_count) values ($1, $2, 1000) returning id)
             insert into package_tasks (package_id, task_id, assigned_at)
             select $3, id, now() - interval '1 day' from t",
        )
        .bind(task_id(n))
        .bind(format!("Task {n}"))
        .bind(PACKAGE.parse::<Uuid>().unwrap())
        .execute(db)
        .await?;
    }
    for n in 1..=carers {
        sqlx::query(
            "with u as (insert into users (id, email, role, password_hash, email_verified_at)
                        values ($1, $2, 'CARER', $3, now()) returning id),
                  p as (insert into user_profiles (user_id, first_name, last_name)
                        select id, 'Carer', $4 from u)
             insert into carer_packages (carer_id, package_id, assigned_at)
             select id, $5, now() - interval '1 day' from u",
        )
        .bind(carer_id(n))
        .bind(format!("carer{n}@chaos.example"))
        .bind(hash)
        .bind(n.to_string())
        .bind(PACKAGE.parse::<Uuid>().unwrap())
        .execute(db)
        .await?;
    }
    Ok(())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `server serve` (web only) or `server worker`, on the scratch database, logging
/// warnings and errors as JSON to `.data/chaos-<what>.log`.
fn spawn(binary: &Path, what: &str, database_url: &str, port: u16) -> std::io::Result<Child> {
    let root = PathBuf::from(std::env::var("CHAOS_ROOT").unwrap_or_default());
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(root.join(format!(".data/chaos-{what}.log")))?;
    Command::new(binary)
        .arg(what)
        .env("DATABASE_URL", database_url)
        .env("APP_ENV", "test")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env(
            "LEPTOS_SITE_ROOT",
            std::env::temp_dir().join("caretrack-chaos-site"),
        )
        .env("LEPTOS_OUTPUT_NAME", "caretrack")
        .env("TRUSTED_PROXIES", "127.0.0.1/32")
        .env("DATABASE_APP_ROLE", "caretrack_app")
        .env("MIGRATE_ON_START", "false")
        .env("SCHEDULER_ENABLED", "false")
        .env(
            "WORKER_CONCURRENCY",
            if what == "worker" { "4" } else { "0" },
        )
        .env("JOB_LEASE_SECONDS", "5")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
}

async fn wait_until_ready(addr: SocketAddr) -> Result<(), String> {
    for _ in 0..200 {
        if let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await {
            let _ = stream
                .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
                .await;
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("the server did not start on {addr}"))
}

async fn sleep_until(start: Instant, at: f64) {
    tokio::time::sleep_until((start + Duration::from_secs_f64(at)).into()).await;
}

/// `scripts/services.sh <command>`.
fn services(root: &Path, command: &str) -> std::io::Result<()> {
    let status = Command::new(root.join("scripts/services.sh"))
        .arg(command)
        .stdout(Stdio::null())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "services.sh {command} failed"
        )))
    }
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

/// One request; its status (0 when unanswered) and whether it carried `Retry-After`.
async fn send(
    http: &Http,
    addr: SocketAddr,
    phone: usize,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, String)>,
) -> (u16, bool) {
    let mut request = axum::http::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"))
        // Each phone from an address of its own, as the trusted proxy tells it.
        .header(
            "x-forwarded-for",
            format!(
                "10.{}.{}.{}",
                phone / 65536 % 256,
                phone / 256 % 256,
                phone % 256
            ),
        );
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let body = match body {
        Some((content_type, body)) => {
            request = request.header("content-type", content_type);
            Full::new(Bytes::from(body))
        }
        None => Full::new(Bytes::new()),
    };
    let Ok(request) = request.body(body) else {
        return (0, false);
    };
    match tokio::time::timeout(TIMEOUT, http.request(request)).await {
        Ok(Ok(response)) => {
            let status = response.status().as_u16();
            let retry_after = response.headers().contains_key("retry-after");
            let _ = response.into_body().collect().await;
            (status, retry_after)
        }
        _ => (0, false),
    }
}

/// One phone: a request every `EVERY` on average until `until`.
async fn phone(
    http: Http,
    addr: SocketAddr,
    n: usize,
    token: String,
    start: Instant,
    until: Instant,
    record: Shared,
) {
    // Spread the phones over one period, then keep their own pace.
    let mut next = start + EVERY.mul_f64(n as f64 % 97.0 / 97.0);
    // Logs not yet acknowledged: (idempotency key, task), sent again as they were.
    let mut outbox: Vec<(Uuid, Uuid)> = Vec::new();
    let mut turn = n;
    while next < until {
        tokio::time::sleep_until(next.into()).await;
        next += EVERY;
        turn += 1;
        let (kind, status, retry_after) = match turn % 20 {
            0 | 10 => {
                let (status, retry_after) =
                    send(&http, addr, n, "GET", "/carer", Some(&token), None).await;
                ("page", status, retry_after)
            }
            5 => {
                let body = serde_json::json!({ "email": format!("carer{n}@chaos.example"), "password": PASSWORD }).to_string();
                let (status, retry_after) = send(
                    &http,
                    addr,
                    n,
                    "POST",
                    "/api/v1/auth/login",
                    None,
                    Some(("application/json", body)),
                )
                .await;
                ("sign-in", status, retry_after)
            }
            _ => {
                // A new log joins the outbox; the oldest not yet acknowledged goes first,
                // as it was.
                outbox.push((Uuid::new_v4(), task_id(turn % TASKS + 1)));
                let (key, task) = outbox[0];
                let (status, retry_after) = log(&http, addr, n, &token, key, task).await;
                if (200..300).contains(&status) {
                    outbox.remove(0);
                    record.lock().unwrap().acknowledged.insert(key);
                }
                ("log", status, retry_after)
            }
        };
        record.lock().unwrap().outcomes.push(Outcome {
            at: start.elapsed().as_secs_f64(),
            kind,
            status,
            retry_after,
        });
    }
    // What is left in the outbox is sent by `drain`.
    record.lock().unwrap().outbox.extend(
        outbox
            .into_iter()
            .map(|(key, task)| (n, token.clone(), key, task)),
    );
}

/// A daily log of one, with its idempotency key.
async fn log(
    http: &Http,
    addr: SocketAddr,
    n: usize,
    token: &str,
    key: Uuid,
    task: Uuid,
) -> (u16, bool) {
    let body = serde_json::json!({
        "task_id": task,
        "care_package_id": PACKAGE,
        "count": 1,
        "idempotency_key": key,
    })
    .to_string();
    send(
        http,
        addr,
        n,
        "POST",
        "/api/v1/me/task-completions",
        Some(token),
        Some(("application/json", body)),
    )
    .await
}

/// Sends every log still in a phone's outbox until the server acknowledges it (30 tries
/// a second apart at most); answers how many there were.
async fn drain(http: &Http, addr: SocketAddr, record: &Shared) -> usize {
    let pending = std::mem::take(&mut record.lock().unwrap().outbox);
    let count = pending.len();
    for (n, token, key, task) in pending {
        for _ in 0..30 {
            let (status, _) = log(http, addr, n, &token, key, task).await;
            if (200..300).contains(&status) {
                record.lock().unwrap().acknowledged.insert(key);
                break;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
    count
}

/// A client that sends a request's head a byte every 500 ms for `for_how_long`;
/// whether the server cut it off before it finished.
async fn dribble(addr: SocketAddr, for_how_long: Duration) -> bool {
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
        return true;
    };
    let head = b"GET /carer HTTP/1.1\r\nhost: chaos\r\nx-padding: "
        .iter()
        .copied()
        .chain(std::iter::repeat(b'a'));
    let until = Instant::now() + for_how_long;
    for byte in head {
        if Instant::now() > until {
            return false;
        }
        if stream.write_all(&[byte]).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    false
}

/// The Message-IDs of the messages in the SMTP server's Maildir (`CHAOS_MAILDIR`).
fn delivered_message_ids(root: &Path) -> std::io::Result<Vec<String>> {
    let dir = std::env::var("CHAOS_MAILDIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join(".data/chaos-mail"));
    let mut ids = Vec::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries {
            let text = std::fs::read_to_string(entry?.path())?;
            if let Some(id) = text.lines().find_map(|l| {
                l.strip_prefix("Message-ID: ")
                    .or_else(|| l.strip_prefix("Message-Id: "))
            }) {
                ids.push(id.trim().to_owned());
            }
        }
    }
    ids.sort();
    Ok(ids)
}

struct Report<'a> {
    carers: usize,
    seconds: f64,
    stored: i64,
    stored_keys: i64,
    drained: usize,
    email_rows: i64,
    emails_sent: &'a [String],
    delivered: &'a [String],
    rss_before: u64,
    rss_after: u64,
    slow_cut: usize,
}

fn report(record: &Record, r: Report<'_>) {
    let outcomes: Vec<&Outcome> = record.outcomes.iter().collect();
    let by_status = |outcomes: &[&Outcome]| {
        let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
        for o in outcomes {
            *counts.entry(o.status).or_default() += 1;
        }
        counts
    };
    println!(
        "Chaos run: {} phones, {:.0} s, release build (web and worker processes)",
        r.carers, r.seconds
    );
    println!(
        "  requests {} by status {:?} (0: no answer)",
        outcomes.len(),
        by_status(&outcomes)
    );
    let acknowledged = record.acknowledged.len() as i64;
    println!(
        "  logs acknowledged {acknowledged}, stored {} ({} distinct keys); {} were still in outboxes at the end and sent again: {}",
        r.stored,
        r.stored_keys,
        r.drained,
        if acknowledged == r.stored && r.stored == r.stored_keys {
            "0 lost, 0 doubled"
        } else {
            "MISMATCH"
        }
    );
    for (fault, began) in &record.began {
        let back = record.returned.get(fault).copied().unwrap_or(*began);
        let during: Vec<&Outcome> = outcomes
            .iter()
            .copied()
            .filter(|o| o.at >= *began && o.at <= back + 5.0)
            .collect();
        let failed: Vec<&Outcome> = during
            .iter()
            .copied()
            .filter(|o| !(200..400).contains(&o.status))
            .collect();
        let first_ack_after = outcomes
            .iter()
            .filter(|o| o.kind == "log" && (200..300).contains(&o.status) && o.at >= back)
            .map(|o| o.at - back)
            .fold(f64::INFINITY, f64::min);
        println!(
            "  {fault}: {:.1} s down; {} of {} requests failed {:?}; first acknowledged log {:.2} s after it returned",
            back - began,
            failed.len(),
            during.len(),
            by_status(&failed),
            first_ack_after
        );
    }
    let five_hundreds: Vec<&&Outcome> = outcomes.iter().filter(|o| o.status >= 500).collect();
    let without_retry = five_hundreds.iter().filter(|o| !o.retry_after).count();
    let internal = five_hundreds.iter().filter(|o| o.status == 500).count();
    println!(
        "  5xx answers {}: {} were 500, {} lacked Retry-After",
        five_hundreds.len(),
        internal,
        without_retry
    );
    let mut unique = r.delivered.to_vec();
    unique.dedup();
    let sent: HashSet<&String> = r.emails_sent.iter().collect();
    let delivered_sent = unique.iter().filter(|id| sent.contains(id)).count();
    println!(
        "  emails queued {}, marked sent {}, messages delivered {} ({} distinct Message-IDs, {} of the sent ones): {}",
        r.email_rows,
        r.emails_sent.len(),
        r.delivered.len(),
        unique.len(),
        delivered_sent,
        if r.delivered.len() == unique.len()
            && delivered_sent == r.emails_sent.len()
            && r.emails_sent.len() as i64 == r.email_rows
        {
            "each exactly once"
        } else {
            "NOT exactly once"
        }
    );
    println!(
        "  slow clients: {} of 50 cut off by the server within 30 s",
        r.slow_cut
    );
    println!(
        "  web server resident memory {:.1} MiB before, {:.1} MiB after",
        r.rss_before as f64 / 1024.0,
        r.rss_after as f64 / 1024.0
    );
}
