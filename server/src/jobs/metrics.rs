//! Job metrics of this process (counters since start) plus queue-wide figures read from
//! the database at scrape time, rendered in the Prometheus text format.

use sqlx::PgPool;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Counters a worker updates as it runs jobs.
#[derive(Debug, Default)]
pub struct JobMetrics {
    pub claimed: AtomicU64,
    pub succeeded: AtomicU64,
    /// Failed attempts that will be retried.
    pub retried: AtomicU64,
    /// Failed attempts that were the last (the job is now dead).
    pub dead: AtomicU64,
    /// Jobs handed back at shutdown.
    pub released: AtomicU64,
    /// Time from a job becoming due (`run_at`) to being claimed, summed over claims.
    pub queue_latency_ms_sum: AtomicU64,
    pub queue_latency_ms_max: AtomicU64,
}

impl JobMetrics {
    pub fn record_claim(&self, latency_ms: u64) {
        self.claimed.fetch_add(1, Relaxed);
        self.queue_latency_ms_sum.fetch_add(latency_ms, Relaxed);
        self.queue_latency_ms_max.fetch_max(latency_ms, Relaxed);
    }
}

/// The Prometheus exposition of `metrics` and the queue's state.
pub async fn render(pool: &PgPool, metrics: &JobMetrics) -> Result<String, sqlx::Error> {
    let by_state = sqlx::query!(
        r#"select queue as "queue!", status::text as "status!", count(*) as "count!"
           from jobs group by queue, status order by queue, status"#
    )
    .fetch_all(pool)
    .await?;
    let enqueued: i64 = sqlx::query_scalar!(r#"select count(*) as "count!" from jobs"#)
        .fetch_one(pool)
        .await?;
    let oldest_due_s: f64 = sqlx::query_scalar!(
        r#"select coalesce(extract(epoch from now() - min(run_at)), 0)::float8 as "age!"
           from jobs where status in ('QUEUED', 'FAILED') and run_at <= now()"#
    )
    .fetch_one(pool)
    .await?;

    let mut out = String::new();
    let counter = |out: &mut String, name: &str, help: &str, value: u64| {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
        );
    };
    let _ = writeln!(
        out,
        "# HELP caretrack_jobs Jobs in the queue by queue and state."
    );
    let _ = writeln!(out, "# TYPE caretrack_jobs gauge");
    for row in &by_state {
        let _ = writeln!(
            out,
            "caretrack_jobs{{queue=\"{}\",status=\"{}\"}} {}",
            row.queue, row.status, row.count
        );
    }
    let _ = writeln!(
        out,
        "# HELP caretrack_jobs_enqueued_total Jobs ever enqueued (all processes).\n# TYPE caretrack_jobs_enqueued_total counter\ncaretrack_jobs_enqueued_total {enqueued}"
    );
    let _ = writeln!(
        out,
        "# HELP caretrack_jobs_oldest_due_seconds How long the oldest due job has waited.\n# TYPE caretrack_jobs_oldest_due_seconds gauge\ncaretrack_jobs_oldest_due_seconds {oldest_due_s:.3}"
    );
    counter(
        &mut out,
        "caretrack_jobs_claimed_total",
        "Jobs claimed by this process.",
        metrics.claimed.load(Relaxed),
    );
    counter(
        &mut out,
        "caretrack_jobs_succeeded_total",
        "Jobs this process ran successfully.",
        metrics.succeeded.load(Relaxed),
    );
    counter(
        &mut out,
        "caretrack_jobs_retried_total",
        "Failed attempts in this process that will be retried.",
        metrics.retried.load(Relaxed),
    );
    counter(
        &mut out,
        "caretrack_jobs_failed_total",
        "Jobs that failed for the last time (dead) in this process.",
        metrics.dead.load(Relaxed),
    );
    counter(
        &mut out,
        "caretrack_jobs_released_total",
        "Jobs handed back at shutdown by this process.",
        metrics.released.load(Relaxed),
    );
    counter(
        &mut out,
        "caretrack_jobs_queue_latency_ms_sum",
        "Sum over claims of the wait from due to claimed, in ms.",
        metrics.queue_latency_ms_sum.load(Relaxed),
    );
    let _ = writeln!(
        out,
        "# HELP caretrack_jobs_queue_latency_ms_max Longest wait from due to claimed, in ms.\n# TYPE caretrack_jobs_queue_latency_ms_max gauge\ncaretrack_jobs_queue_latency_ms_max {}",
        metrics.queue_latency_ms_max.load(Relaxed)
    );
    Ok(out)
}
