//! One event fanned out to many live sockets: delivery latency and the server's memory.
//!
//!     scripts/bench-ws.sh [CLIENTS=1000] [ROUNDS=20]
//!
//! In a scratch database it makes CLIENTS carers, each signed in with a real session,
//! and starts the release `server serve` as its own process (so its RSS is the server's
//! alone). CLIENTS WebSocket clients connect to `/ws` with the session cookie and an
//! Origin, like browser tabs, and wait for their welcome. Then, ROUNDS times, one event
//! is published in the carers' role room the way the app publishes (numbered and
//! `PUBLISH`ed on Redis by `app::live::bus::publish`); the server hears it on the bus
//! and writes it to every socket. Each client notes when the event reached it;
//! latency is from just before the publish to that moment (one clock: the clients run
//! here). Reported: p50, p99 and max over all deliveries, deliveries missed, and the
//! server's RSS before the clients, with them connected, and after the rounds.
//!
//! Both processes share this machine's cores; the clients' own scheduling is in the
//! figures.

mod common;

use app::{
    auth::{RequestMeta, sessions},
    live::bus,
};
use caretrack::{
    Role,
    live::{Event, Room, ServerMessage},
};
use futures::StreamExt;
use sqlx::types::Uuid;
use std::{
    process::{Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};
use tokio::sync::{Barrier, mpsc};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _ = dotenvy::dotenv();
    let clients = common::arg(1, 1000)?;
    let rounds = common::arg(2, 20)?;
    let scratch = common::ScratchDatabase::create().await?;
    let (_config, state) = common::state().await?;

    // The carers and their sessions.
    let mut tokens = Vec::with_capacity(clients);
    for n in 0..clients {
        let id: Uuid = sqlx::query_scalar(
            "insert into users (email, role, password_hash, email_verified_at)
             values ($1, 'CARER', 'x', now()) returning id",
        )
        .bind(format!("carer{n}@fanout.example"))
        .fetch_one(&state.db)
        .await?;
        tokens.push(
            sessions::start(&state, id, Role::Carer, &RequestMeta::default())
                .await?
                .access_token,
        );
    }

    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let origin = format!("http://127.0.0.1:{port}");
    let binary = std::env::var("SERVER_BIN").unwrap_or_else(|_| "target/release/server".into());
    let mut server = Command::new(binary)
        .arg("serve")
        .env("DATABASE_URL", &scratch.url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_OUTPUT_NAME", "caretrack")
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("PUBLIC_URL", &origin)
        .env("WORKER_CONCURRENCY", "0")
        .env("SCHEDULER_ENABLED", "false")
        .env("MIGRATE_ON_START", "false")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()?;
    let pid = server.id();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            let _ = server.kill();
            return Err("the server did not start".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_idle = rss_kib(pid);

    // Every client: connect, wait for the welcome, then report each round's arrival.
    let connected = Arc::new(Barrier::new(clients + 1));
    let (arrivals, mut heard) = mpsc::unbounded_channel::<(u64, Instant)>();
    let started = Instant::now();
    for token in tokens {
        let mut request = format!("ws://127.0.0.1:{port}/ws").into_client_request()?;
        request
            .headers_mut()
            .insert("origin", HeaderValue::from_str(&origin)?);
        request.headers_mut().insert(
            "cookie",
            HeaderValue::from_str(&format!("ct_access={token}"))?,
        );
        let connected = connected.clone();
        let arrivals = arrivals.clone();
        tokio::spawn(async move {
            let (mut socket, _) = connect_async(request).await.expect("socket opens");
            // The welcome: the socket is in its rooms.
            while let Some(Ok(frame)) = socket.next().await {
                if matches!(frame, Message::Text(_)) {
                    break;
                }
            }
            connected.wait().await;
            while let Some(Ok(frame)) = socket.next().await {
                let Message::Text(text) = frame else { continue };
                let now = Instant::now();
                if let Ok(ServerMessage::Event(delivery)) = serde_json::from_str(&text)
                    && let Event::ShiftChanged { .. } = delivery.event
                {
                    let _ = arrivals.send((delivery.seq, now));
                }
            }
        });
    }
    drop(arrivals);
    connected.wait().await;
    let connect_time = started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_connected = rss_kib(pid);

    let mut latencies = Vec::with_capacity(clients * rounds);
    let mut missed = 0;
    for _ in 0..rounds {
        let event = Event::ShiftChanged {
            shift_id: Uuid::new_v4().into(),
        };
        let sent = Instant::now();
        bus::publish(&state.redis, vec![(Room::Role(Role::Carer), event)]).await;
        let mut got = 0;
        let wait = tokio::time::sleep(Duration::from_secs(5));
        tokio::pin!(wait);
        while got < clients {
            tokio::select! {
                arrival = heard.recv() => match arrival {
                    Some((_, at)) => {
                        latencies.push(at.duration_since(sent));
                        got += 1;
                    }
                    None => break,
                },
                () = &mut wait => break,
            }
        }
        missed += clients - got;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let rss_after = rss_kib(pid);
    latencies.sort_unstable();

    let _ = server.kill();
    let _ = server.wait();
    scratch.drop().await?;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("live fan-out: {clients} sockets, {rounds} events, release build, one machine");
    println!(
        "  connected all in {:.1} s (each signed in by its session cookie)",
        connect_time.as_secs_f64()
    );
    println!(
        "  delivery latency: p50 {:.2} ms · p99 {:.2} ms · max {:.2} ms over {} deliveries; missed {missed}",
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
        ms(percentile(&latencies, 100.0)),
        latencies.len()
    );
    println!(
        "  server RSS: {:.1} MiB idle · {:.1} MiB with {clients} sockets ({:.1} KiB a socket) · {:.1} MiB after the events",
        rss_idle as f64 / 1024.0,
        rss_connected as f64 / 1024.0,
        rss_connected.saturating_sub(rss_idle) as f64 / clients as f64,
        rss_after as f64 / 1024.0
    );
    Ok(())
}
