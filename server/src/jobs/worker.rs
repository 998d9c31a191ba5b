//! The worker loop: claim, run under a lease, record the outcome.

use super::{JobContext, Registry, metrics::JobMetrics};
use app::{jobs::NOTIFY_CHANNEL, state::AppState};
use caretrack::retry::{AfterFailure, RetryPolicy};
use serde_json::Value;
use sqlx::{PgPool, postgres::PgListener, types::Uuid};
use std::{
    collections::HashSet,
    future::Future,
    sync::{Arc, Mutex, atomic::Ordering::Relaxed},
    time::Duration,
};
use tokio::{sync::Semaphore, task::JoinSet};
use tracing::Instrument;

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Names this worker in `jobs.locked_by` (host, process and a random suffix).
    pub worker_id: String,
    pub queues: Vec<String>,
    /// Jobs run at once by this worker.
    pub concurrency: usize,
    /// How long a claim lasts without a heartbeat; renewed every third of it.
    pub lease: Duration,
    /// Poll even without a notification (covers retries whose time has come).
    pub poll_interval: Duration,
    pub retry: RetryPolicy,
    /// On shutdown, how long running jobs may take to finish before they are released.
    pub shutdown_grace: Duration,
    /// Counters for `/metrics`, shared with the HTTP side.
    pub metrics: Arc<JobMetrics>,
}

impl WorkerConfig {
    pub fn new(concurrency: usize) -> Self {
        Self {
            worker_id: format!(
                "{}-{}-{}",
                std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".into()),
                std::process::id(),
                &Uuid::new_v4().simple().to_string()[..8]
            ),
            queues: vec!["default".into()],
            concurrency: concurrency.max(1),
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_secs(5),
            retry: RetryPolicy::default(),
            shutdown_grace: Duration::from_secs(20),
            metrics: Arc::default(),
        }
    }
}

struct ClaimedJob {
    id: Uuid,
    kind: String,
    payload: Value,
    attempts: i32,
    max_attempts: i32,
}

/// Runs jobs until `shutdown` resolves; then lets running jobs finish within the grace
/// period and hands back (re-queues) any that did not.
pub async fn run(
    state: AppState,
    registry: Arc<Registry>,
    config: WorkerConfig,
    shutdown: impl Future<Output = ()>,
) {
    let config = Arc::new(config);
    let pool = state.db.clone();
    let permits = Arc::new(Semaphore::new(config.concurrency));
    let running: Arc<Mutex<HashSet<Uuid>>> = Arc::default();
    let mut tasks = JoinSet::new();
    let mut listener = listen(&pool).await;
    tokio::pin!(shutdown);
    tracing::info!(worker = %config.worker_id, concurrency = config.concurrency, "job worker started");

    loop {
        let free = permits.available_permits();
        let mut claimed_all = false;
        if free > 0 {
            match claim(&pool, &config, free).await {
                Ok(jobs) => {
                    claimed_all = jobs.len() == free;
                    for job in jobs {
                        let permit = permits.clone().acquire_owned().await.expect("never closed");
                        running.lock().expect("not poisoned").insert(job.id);
                        let (state, registry, config, running) = (
                            state.clone(),
                            registry.clone(),
                            config.clone(),
                            running.clone(),
                        );
                        tasks.spawn(async move {
                            let id = job.id;
                            execute(state, &registry, &config, job).await;
                            running.lock().expect("not poisoned").remove(&id);
                            drop(permit);
                        });
                    }
                }
                Err(err) => tracing::warn!(error = %err, "could not claim jobs; will retry"),
            }
        }
        while tasks.try_join_next().is_some() {}
        if claimed_all {
            continue; // there may be more waiting
        }
        if listener.is_none() {
            // The database was unreachable when we last tried: try LISTEN again, so
            // wake-ups return once it is back (until then, polling keeps jobs moving).
            listener = listen(&pool).await;
        }
        tokio::select! {
            () = &mut shutdown => break,
            () = wait_for_notification(&mut listener) => {}
            () = tokio::time::sleep(config.poll_interval) => {}
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
        }
    }

    tracing::info!(
        running = tasks.len(),
        "job worker stopping: letting running jobs finish"
    );
    let drained = tokio::time::timeout(config.shutdown_grace, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tasks.abort_all();
        let unfinished: Vec<Uuid> = running
            .lock()
            .expect("not poisoned")
            .iter()
            .copied()
            .collect();
        match release(&pool, &config.worker_id, &unfinished).await {
            Ok(released) => {
                config.metrics.released.fetch_add(released, Relaxed);
                tracing::warn!(released, "unfinished jobs handed back to the queue")
            }
            Err(err) => {
                tracing::error!(error = %err, "could not hand back unfinished jobs; their leases will expire")
            }
        }
    }
    tracing::info!("job worker stopped");
}

async fn listen(pool: &PgPool) -> Option<PgListener> {
    let mut listener = match PgListener::connect_with(pool).await {
        Ok(listener) => listener,
        Err(err) => {
            tracing::warn!(error = %err, "LISTEN unavailable: polling only");
            return None;
        }
    };
    match listener.listen(NOTIFY_CHANNEL).await {
        Ok(()) => Some(listener),
        Err(err) => {
            tracing::warn!(error = %err, "LISTEN unavailable: polling only");
            None
        }
    }
}

async fn wait_for_notification(listener: &mut Option<PgListener>) {
    match listener {
        Some(l) => {
            if let Err(err) = l.recv().await {
                // PgListener reconnects by itself on the next recv; avoid a hot loop.
                tracing::warn!(error = %err, "job notification channel dropped");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        None => std::future::pending().await,
    }
}

fn lease_secs(config: &WorkerConfig) -> f64 {
    config.lease.as_secs_f64()
}

async fn claim(
    pool: &PgPool,
    config: &WorkerConfig,
    limit: usize,
) -> Result<Vec<ClaimedJob>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"update jobs j
           set status = 'RUNNING', attempts = j.attempts + 1, locked_by = $1,
               lease_expires_at = now() + make_interval(secs => $2)
           from (select id from jobs
                 where queue = any($3)
                   and ((status in ('QUEUED', 'FAILED') and run_at <= now())
                        or (status = 'RUNNING' and lease_expires_at < now()))
                 order by run_at
                 limit $4
                 for update skip locked) due
           where j.id = due.id
           returning j.id, j.kind, j.payload, j.attempts, j.max_attempts,
                     (extract(epoch from now() - j.run_at) * 1000)::bigint as "waited_ms!""#,
        config.worker_id,
        lease_secs(config),
        &config.queues,
        i64::try_from(limit).unwrap_or(i64::MAX),
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .inspect(|r| {
            config
                .metrics
                .record_claim(u64::try_from(r.waited_ms).unwrap_or(0))
        })
        .map(|r| ClaimedJob {
            id: r.id,
            kind: r.kind,
            payload: r.payload,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
        })
        .collect())
}

async fn execute(state: AppState, registry: &Registry, config: &WorkerConfig, job: ClaimedJob) {
    let span = tracing::info_span!("job", id = %job.id, kind = %job.kind, attempt = job.attempts);
    run_claimed(state, registry, config, job)
        .instrument(span)
        .await
}

async fn run_claimed(state: AppState, registry: &Registry, config: &WorkerConfig, job: ClaimedJob) {
    let pool = state.db.clone();
    let Some(handler) = registry.get(&job.kind) else {
        let error = format!("no handler is registered for job kind {:?}", job.kind);
        tracing::error!("{error}");
        record_failure(&pool, config, &job, error, true).await;
        return;
    };
    let ctx = JobContext {
        state,
        job_id: job.id,
        attempt: job.attempts,
        max_attempts: job.max_attempts,
    };
    // Spawned so that a panicking handler is a failed attempt, not a dead worker; the
    // guard aborts it if this task is aborted (shutdown), so a job handed back to the
    // queue never keeps running here while another worker runs it again.
    // The job's live events go out only if it succeeded (its work committed).
    let redis = ctx.state.redis.clone();
    let work = handler(ctx, job.payload.clone());
    let mut run = AbortOnDrop(tokio::spawn(async move {
        app::live::bus::publishing(&redis, work).await
    }));
    let mut heartbeat = tokio::time::interval(config.lease / 3);
    heartbeat.tick().await;
    let outcome = loop {
        tokio::select! {
            joined = &mut run.0 => break joined,
            _ = heartbeat.tick() => {
                if let Err(err) = renew_lease(&pool, config, job.id).await {
                    tracing::warn!(error = %err, "could not renew the job's lease");
                }
            }
        }
    };
    match outcome {
        Ok(Ok(())) => record_success(&pool, config, job.id).await,
        Ok(Err(failure)) => record_failure(&pool, config, &job, failure, false).await,
        Err(join_error) if join_error.is_panic() => {
            record_failure(
                &pool,
                config,
                &job,
                "the job handler panicked".into(),
                false,
            )
            .await
        }
        Err(_) => {} // aborted at shutdown: released by the caller
    }
}

async fn renew_lease(pool: &PgPool, config: &WorkerConfig, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update jobs set lease_expires_at = now() + make_interval(secs => $3)
         where id = $1 and locked_by = $2 and status = 'RUNNING'",
        id,
        config.worker_id,
        lease_secs(config),
    )
    .execute(pool)
    .await?;
    Ok(())
}

async fn record_success(pool: &PgPool, config: &WorkerConfig, id: Uuid) {
    let result = sqlx::query!(
        "update jobs set status = 'SUCCEEDED', finished_at = now(), lease_expires_at = null,
                locked_by = null, last_error = null
         where id = $1 and locked_by = $2 and status = 'RUNNING'",
        id,
        config.worker_id,
    )
    .execute(pool)
    .await;
    match result {
        Ok(done) if done.rows_affected() == 1 => {
            config.metrics.succeeded.fetch_add(1, Relaxed);
            tracing::debug!("job succeeded")
        }
        Ok(_) => tracing::warn!("job finished after its lease was lost; another worker owns it"),
        Err(err) => {
            tracing::error!(error = %err, "could not record the job's success; it will run again")
        }
    }
}

async fn record_failure(
    pool: &PgPool,
    config: &WorkerConfig,
    job: &ClaimedJob,
    error: String,
    permanent: bool,
) {
    let policy = RetryPolicy {
        max_attempts: u32::try_from(job.max_attempts).unwrap_or(1),
        ..config.retry
    };
    let jitter = f64::from(Uuid::new_v4().as_u128() as u32) / f64::from(u32::MAX);
    let after = if permanent {
        AfterFailure::Dead
    } else {
        policy.after_failure(u32::try_from(job.attempts).unwrap_or(u32::MAX), jitter)
    };
    let result = match after {
        AfterFailure::RetryIn(delay) => {
            config.metrics.retried.fetch_add(1, Relaxed);
            tracing::warn!(error = %error, retry_in_s = delay.as_seconds_f64(), "job failed; will retry");
            sqlx::query!(
                "update jobs set status = 'FAILED', run_at = now() + make_interval(secs => $3),
                        last_error = $4, lease_expires_at = null, locked_by = null
                 where id = $1 and locked_by = $2 and status = 'RUNNING'",
                job.id,
                config.worker_id,
                delay.as_seconds_f64(),
                error,
            )
            .execute(pool)
            .await
        }
        AfterFailure::Dead => {
            config.metrics.dead.fetch_add(1, Relaxed);
            tracing::error!(error = %error, "job failed for the last time: dead");
            sqlx::query!(
                "update jobs set status = 'DEAD', finished_at = now(), last_error = $3,
                        lease_expires_at = null, locked_by = null
                 where id = $1 and locked_by = $2 and status = 'RUNNING'",
                job.id,
                config.worker_id,
                error,
            )
            .execute(pool)
            .await
        }
    };
    if let Err(err) = result {
        tracing::error!(error = %err, "could not record the job's failure; its lease will expire");
    }
}

/// Hands jobs this worker still holds back to the queue (the interrupted attempt does
/// not count).
async fn release(pool: &PgPool, worker_id: &str, ids: &[Uuid]) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "update jobs set status = 'QUEUED', attempts = greatest(attempts - 1, 0),
                lease_expires_at = null, locked_by = null
         where id = any($1) and locked_by = $2 and status = 'RUNNING'",
        ids,
        worker_id,
    )
    .execute(pool)
    .await?
    .rows_affected())
}

/// Aborts the task when dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
