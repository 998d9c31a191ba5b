//! Jobs per second through the real queue: enqueue N no-op jobs, then let one worker
//! process (with C concurrent slots) run them all; reports enqueue and run throughput.
//!
//!     scripts/bench-jobs.sh [JOBS] [CONCURRENCY]
//!
//! Uses a scratch database `<DATABASE_URL's database>_bench`, recreated each run.

use app::jobs::{NewJob, enqueue};
use server::{config::Config, jobs::Registry, jobs::worker, startup};
use sqlx::{Connection, PgConnection};
use std::{sync::Arc, time::Instant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _ = dotenvy::dotenv();
    let mut args = std::env::args().skip(1);
    let jobs: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(10_000);
    let concurrency: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(8);

    let base = std::env::var("DATABASE_URL")?;
    let (server_url, database) = base
        .rsplit_once('/')
        .ok_or("DATABASE_URL has no database")?;
    let bench_db = format!("{database}_bench");
    let mut admin = PgConnection::connect(&format!("{server_url}/postgres")).await?;
    sqlx::query(&format!("drop database if exists {bench_db} with (force)"))
        .execute(&mut admin)
        .await?;
    sqlx::query(&format!("create database {bench_db}"))
        .execute(&mut admin)
        .await?;
    // SAFETY: single-threaded at this point; the config below reads it.
    unsafe { std::env::set_var("DATABASE_URL", format!("{server_url}/{bench_db}")) };

    let config = Config::from_env()?;
    let state = startup::build_state(
        &config,
        leptos::prelude::LeptosOptions::builder()
            .output_name("bench")
            .build(),
    )?;
    startup::migrate(&state.db).await?;

    let mut registry = Registry::new();
    registry.register("bench.noop", |_, _| async { Ok(()) });

    let started = Instant::now();
    let mut tx = state.db.begin().await?;
    for i in 0..jobs {
        enqueue(
            &mut tx,
            NewJob::new("bench.noop", &serde_json::json!({ "n": i })),
        )
        .await?;
        if i % 1000 == 999 {
            tx.commit().await?;
            tx = state.db.begin().await?;
        }
    }
    tx.commit().await?;
    let enqueue_secs = started.elapsed().as_secs_f64();

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = worker::WorkerConfig::new(concurrency);
    let runner = tokio::spawn(worker::run(
        state.clone(),
        Arc::new(registry),
        config,
        async {
            let _ = stopped.await;
        },
    ));
    let started = Instant::now();
    loop {
        let done: i64 = sqlx::query_scalar("select count(*) from jobs where status = 'SUCCEEDED'")
            .fetch_one(&state.db)
            .await?;
        if done as usize == jobs {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let run_secs = started.elapsed().as_secs_f64();
    let _ = stop.send(());
    runner.await?;
    sqlx::query(&format!("drop database if exists {bench_db} with (force)"))
        .execute(&mut admin)
        .await?;

    println!(
        "jobs={jobs} concurrency={concurrency} enqueue: {:.0} jobs/s ({enqueue_secs:.2} s) run: {:.0} jobs/s ({run_secs:.2} s)",
        jobs as f64 / enqueue_secs,
        jobs as f64 / run_secs,
    );
    Ok(())
}
