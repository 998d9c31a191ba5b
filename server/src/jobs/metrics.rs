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
    // The rows there now plus those `jobs.prune` has deleted: it never falls.
    let enqueued: i64 = sqlx::query_scalar!(
        r#"select (select count(*) from jobs)
                  + coalesce((select count from jobs_pruned), 0) as "count!""#
    )
    .fetch_one(pool)
    .await?;
    let oldest_due_s: f64 = sqlx::query_scalar!(
        r#"select coalesce(extract(epoch from now() - min(run_at)), 0)::float8 as "age!"
           from jobs where status in ('QUEUED', 'FAILED') and run_at <= now()"#
    )
    .fetch_one(pool)
    .await?;

    let mut out = String::from(
        "# HELP caretrack_jobs Jobs in the queue by queue and state.\n# TYPE caretrack_jobs gauge\n",
    );
    for row in &by_state {
        let _ = writeln!(
            out,
            "caretrack_jobs{{queue=\"{}\",status=\"{}\"}} {}",
            row.queue, row.status, row.count
        );
    }
    let load = |counter: &AtomicU64| counter.load(Relaxed).to_string();
    let single_values = [
        (
            "caretrack_jobs_enqueued_total",
            "counter",
            "Jobs ever enqueued (all processes).",
            enqueued.to_string(),
        ),
        (
            "caretrack_jobs_oldest_due_seconds",
            "gauge",
            "How long the oldest due job has waited.",
            format!("{oldest_due_s:.3}"),
        ),
        (
            "caretrack_jobs_claimed_total",
            "counter",
            "Jobs claimed by this process.",
            load(&metrics.claimed),
        ),
        (
            "caretrack_jobs_succeeded_total",
            "counter",
            "Jobs this process ran successfully.",
            load(&metrics.succeeded),
        ),
        (
            "caretrack_jobs_retried_total",
            "counter",
            "Failed attempts in this process that will be retried.",
            load(&metrics.retried),
        ),
        (
            "caretrack_jobs_failed_total",
            "counter",
            "Jobs that failed for the last time (dead) in this process.",
            load(&metrics.dead),
        ),
        (
            "caretrack_jobs_released_total",
            "counter",
            "Jobs handed back at shutdown by this process.",
            load(&metrics.released),
        ),
        (
            "caretrack_jobs_queue_latency_ms_sum",
            "counter",
            "Sum over claims of the wait from due to claimed, in ms.",
            load(&metrics.queue_latency_ms_sum),
        ),
        (
            "caretrack_jobs_queue_latency_ms_max",
            "gauge",
            "Longest wait from due to claimed, in ms.",
            load(&metrics.queue_latency_ms_max),
        ),
    ];
    for (name, kind, help, value) in single_values {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
        );
    }
    Ok(out)
}
