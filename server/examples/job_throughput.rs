//! Jobs per second through the real queue: enqueue N no-op jobs, then let one worker
//! process (with C concurrent slots) run them all; reports enqueue and run throughput.
//!
//!     scripts/bench-jobs.sh [JOBS] [CONCURRENCY]
//!
//! Uses a scratch database `<DATABASE_URL's database>_bench`, recreated each run.

mod common;

use app::jobs::{NewJob, enqueue};
use server::jobs::{Registry, worker};
use std::{sync::Arc, time::Instant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _ = dotenvy::dotenv();
    let jobs = common::arg(1, 10_000)?;
    let concurrency = common::arg(2, 8)?;
    let scratch = common::ScratchDatabase::create().await?;

    let (_, state) = common::state().await?;

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
    scratch.drop().await?;

    println!(
        "jobs={jobs} concurrency={concurrency} enqueue: {:.0} jobs/s ({enqueue_secs:.2} s) run: {:.0} jobs/s ({run_secs:.2} s)",
        jobs as f64 / enqueue_secs,
        jobs as f64 / run_secs,
    );
    Ok(())
}
