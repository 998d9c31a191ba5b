//! `POST /api/v1/me/task-completions` under load, against the statement's own ceiling.
//!
//!     scripts/bench-practice.sh [CLIENTS=300] [SECONDS=15] [RATE=0]
//!
//! In a scratch database it seeds one care package with 10 tasks and CLIENTS carers,
//! each signed in with a real session (so every request goes through JWT checks, the
//! live-session and rate-limit look-ups in Redis, the permission check and the logging
//! statement). Then:
//!
//! 1. **Floor**: `pgbench` runs the logging statement itself (the very file
//!    `practice::log` compiles, `app/src/care/ssr/log_practice.sql`) with random carers,
//!    tasks and fresh idempotency keys over as many connections as the server's pool.
//! 2. **Load**: the server's router listens on a local port and CLIENTS clients (one
//!    keep-alive connection and one carer each, on their own thread, like `oha`) post
//!    completions of count 1 with a new idempotency key each, round the carer's tasks,
//!    for SECONDS after a 2-second warm-up. With RATE = 0 each client sends its next
//!    request as soon as the last is answered (closed loop: the most the server can do,
//!    and latency is then clients ÷ throughput by Little's law). With RATE > 0 the
//!    clients together send RATE requests a second on a fixed schedule (open loop), and
//!    each latency counts from when the request was due, so a slow answer that holds
//!    back the next request is not hidden.
//!
//! `oha` cannot do this: it sends one body and one token, and every request would be a
//! replay of the first key by the first carer.

mod common;

use app::auth::{RequestMeta, sessions};
use caretrack::Role;
use server::startup;
use sqlx::types::Uuid;
use std::{
    net::SocketAddr,
    process::Command,
    time::{Duration, Instant},
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

const TASKS: usize = 10;
const WARM_UP: Duration = Duration::from_secs(2);
const PACKAGE: &str = "00000000-0000-4000-c000-000000000001";

fn carer_id(n: usize) -> String {
    format!("00000000-0000-4000-a000-{n:012}")
}

fn task_id(n: usize) -> String {
    format!("00000000-0000-4000-b000-{n:012}")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _ = dotenvy::dotenv();
    let clients = common::arg(1, 300)?;
    let seconds = common::arg(2, 15)?;
    let paced = common::arg(3, 0)?;
    // Each client's time between requests when paced.
    let interval = (paced > 0).then(|| Duration::from_secs_f64(clients as f64 / paced as f64));
    let scratch = common::ScratchDatabase::create().await?;
    let (config, state) = common::state().await?;
    seed(&state.db, clients).await?;

    let pool = config.database_max_connections as usize;
    let floor = pgbench(&scratch.url, clients, pool, seconds)?;
    sqlx::query("truncate task_completions, task_daily_totals, task_progress")
        .execute(&state.db)
        .await?;

    let mut tokens = Vec::with_capacity(clients);
    for n in 1..=clients {
        let id: Uuid = carer_id(n).parse()?;
        let session = sessions::start(&state, id, Role::Carer, &RequestMeta::default()).await?;
        tokens.push(session.access_token);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app =
        startup::build_router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let load = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("client runtime")
            .block_on(run_clients(
                addr,
                tokens,
                Duration::from_secs(seconds as u64),
                interval,
            ))
    })
    .join()
    .map_err(|_| "the load thread panicked")??;

    let accepted: i64 = sqlx::query_scalar("select count(*) from task_completions")
        .fetch_one(&state.db)
        .await?;
    scratch.drop().await?;
    load.report(clients, seconds, paced, accepted, floor, pool);
    Ok(())
}

/// One package, `TASKS` tasks of target 1000 and `clients` carers placed there yesterday.
async fn seed(db: &sqlx::PgPool, clients: usize) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into care_packages (id, name, postcode_district, client_name_enc,
                                    client_name_key_id, address_enc, address_key_id)
         values ($1::uuid, 'Load test', 'M14', '\\x00', 'bench', '\\x00', 'bench')",
    )
    .bind(PACKAGE)
    .execute(db)
    .await?;
    for n in 1..=TASKS {
        sqlx::query(
            "with t as (insert into tasks (id, name, target_count) values ($1::uuid, $2, 1000)
                        returning id)
             insert into package_tasks (package_id, task_id, assigned_at)
             select $3::uuid, id, now() - interval '1 day' from t",
        )
        .bind(task_id(n))
        .bind(format!("Task {n}"))
        .bind(PACKAGE)
        .execute(db)
        .await?;
    }
    for n in 1..=clients {
        sqlx::query(
            "with u as (insert into users (id, email, role, password_hash, email_verified_at)
                        values ($1::uuid, $2, 'CARER', 'x', now()) returning id),
                  p as (insert into user_profiles (user_id, first_name, last_name)
                        select id, 'Carer', $3 from u)
             insert into carer_packages (carer_id, package_id, assigned_at)
             select id, $4::uuid, now() - interval '1 day' from u",
        )
        .bind(carer_id(n))
        .bind(format!("carer{n}@load.example"))
        .bind(n.to_string())
        .bind(PACKAGE)
        .execute(db)
        .await?;
    }
    Ok(())
}

/// The logging statement's own rate (transactions per second) through `connections`
/// connections, from `pgbench`.
fn pgbench(
    url: &str,
    clients: usize,
    connections: usize,
    seconds: usize,
) -> Result<f64, Box<dyn std::error::Error>> {
    let statement = include_str!("../../app/src/care/ssr/log_practice.sql");
    let uuid = |prefix: &str, var: &str| {
        format!("('00000000-0000-4000-{prefix}-' || lpad(cast(:{var} as text), 12, '0'))::uuid")
    };
    let arguments = [
        uuid("a000", "carer"),
        uuid("b000", "task"),
        format!("'{PACKAGE}'::uuid"),
        "(now() at time zone 'Europe/London')::date".into(),
        "1".into(),
        "gen_random_uuid()".into(),
        "now()".into(),
        "'ONLINE'".into(),
    ];
    let mut body: String = statement
        .lines()
        .map(|line| line.split("--").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    // $8 down to $1, so that "$1" never matches the start of a longer number.
    for (i, argument) in arguments.iter().enumerate().rev() {
        body = body.replace(&format!("${}", i + 1), argument);
    }
    let script = format!(
        "\\set carer random(1, {clients})\n\\set task random(1, {TASKS})\n{};\n",
        body.trim()
    );
    let path = std::env::temp_dir().join(format!("caretrack-practice-{}.sql", std::process::id()));
    std::fs::write(&path, script)?;
    let pgbench = std::env::var("PGBENCH").unwrap_or_else(|_| "pgbench".into());
    let output = Command::new(pgbench)
        .args(["--no-vacuum", "--protocol=prepared", "--jobs=2"])
        .arg(format!("--client={connections}"))
        .arg(format!("--time={seconds}"))
        .arg(format!("--file={}", path.display()))
        .arg(url)
        .output()?;
    std::fs::remove_file(&path)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "pgbench failed: {}{}",
            stdout,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let tps = stdout
        .lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .ok_or_else(|| format!("no tps in pgbench's output:\n{stdout}"))?;
    if stdout.contains("number of failed transactions: 0") {
        Ok(tps.parse()?)
    } else {
        Err(format!("pgbench transactions failed:\n{stdout}").into())
    }
}

#[derive(Default)]
struct Load {
    /// Microseconds per measured request.
    latencies: Vec<u32>,
    created: usize,
    other: std::collections::BTreeMap<u16, usize>,
    elapsed: Duration,
}

impl Load {
    fn add(&mut self, other: Load) {
        self.latencies.extend(other.latencies);
        self.created += other.created;
        for (status, n) in other.other {
            *self.other.entry(status).or_default() += n;
        }
    }

    fn percentile(&self, p: f64) -> f64 {
        let i = ((self.latencies.len() as f64 * p).ceil() as usize).saturating_sub(1);
        self.latencies.get(i).copied().unwrap_or(0) as f64 / 1000.0
    }

    fn report(
        mut self,
        clients: usize,
        seconds: usize,
        paced: usize,
        accepted: i64,
        floor: f64,
        pool: usize,
    ) {
        self.latencies.sort_unstable();
        let rate = self.latencies.len() as f64 / self.elapsed.as_secs_f64();
        let (p50, p95, p99) = (
            self.percentile(0.50),
            self.percentile(0.95),
            self.percentile(0.99),
        );
        let max = self.percentile(1.0);
        let pacing = if paced > 0 {
            format!("paced at {paced} req/s")
        } else {
            "closed loop".into()
        };
        println!(
            "POST /api/v1/me/task-completions, {clients} clients, {pacing}, {seconds} s (release build)"
        );
        println!(
            "  requests {} ({} 201 Created, other: {:?}); completions stored {accepted}",
            self.latencies.len(),
            self.created,
            self.other
        );
        println!(
            "  {rate:.0} req/s; latency p50 {p50:.2} ms, p95 {p95:.2} ms, p99 {p99:.2} ms, max {max:.2} ms"
        );
        println!(
            "floor: the logging statement alone in pgbench, {pool} connections: {floor:.0} tx/s"
        );
        println!(
            "  ratio {:.0} % of the floor (target ≥ 50 %); p99 {} 25 ms",
            100.0 * rate / floor,
            if p99 < 25.0 { "<" } else { "≥" }
        );
    }
}

/// Every client posts until `measured` has passed after the warm-up.
async fn run_clients(
    addr: SocketAddr,
    tokens: Vec<String>,
    measured: Duration,
    interval: Option<Duration>,
) -> Result<Load, String> {
    let start = Instant::now();
    let (from, until) = (start + WARM_UP, start + WARM_UP + measured);
    let count = tokens.len() as u32;
    let mut clients = tokio::task::JoinSet::new();
    for (n, token) in tokens.into_iter().enumerate() {
        // Paced clients start spread over one interval, not all at once.
        let pace = interval.map(|every| (every, start + every * n as u32 / count));
        clients.spawn(client(addr, token, n, from, until, pace));
    }
    let mut load = Load::default();
    while let Some(result) = clients.join_next().await {
        load.add(result.map_err(|e| e.to_string())??);
    }
    load.elapsed = measured;
    Ok(load)
}

async fn client(
    addr: SocketAddr,
    token: String,
    n: usize,
    from: Instant,
    until: Instant,
    mut pace: Option<(Duration, Instant)>,
) -> Result<Load, String> {
    let mut stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut load = Load::default();
    let mut buffer = Vec::with_capacity(4096);
    for i in n.. {
        let body = format!(
            r#"{{"task_id":"{}","care_package_id":"{PACKAGE}","count":1,"idempotency_key":"{}"}}"#,
            task_id(i % TASKS + 1),
            Uuid::new_v4()
        );
        let request = format!(
            "POST /api/v1/me/task-completions HTTP/1.1\r\nhost: {addr}\r\n\
             authorization: Bearer {token}\r\ncontent-type: application/json\r\n\
             content-length: {}\r\n\r\n{body}",
            body.len()
        );
        // Paced: wait for the request's due time, and count latency from it.
        let sent = match &mut pace {
            Some((every, due)) => {
                let this = *due;
                *due += *every;
                tokio::time::sleep_until(this.into()).await;
                this
            }
            None => Instant::now(),
        };
        if sent >= until {
            break;
        }
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let status = read_response(&mut stream, &mut buffer).await?;
        if sent >= from {
            load.latencies.push(sent.elapsed().as_micros() as u32);
            if status == 201 {
                load.created += 1;
            } else {
                *load.other.entry(status).or_default() += 1;
            }
        }
    }
    Ok(load)
}

/// Reads one HTTP/1.1 response with a `content-length` body; answers its status.
async fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<u16, String> {
    buffer.clear();
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buffer[..end]).map_err(|e| e.to_string())?;
            let status: u16 = head
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .ok_or("no status line")?;
            let length: usize = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .ok_or("a response without content-length")?;
            let total = end + 4 + length;
            while buffer.len() < total {
                read_more(stream, buffer).await?;
            }
            return Ok(status);
        }
        read_more(stream, buffer).await?;
    }
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<(), String> {
    let mut chunk = [0u8; 4096];
    match stream.read(&mut chunk).await {
        Ok(0) => Err("the server closed the connection".into()),
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}
