//! `jobs.prune` (daily): deletes finished jobs once nobody needs them, so the `jobs`
//! table does not grow for ever.
//!
//! Only finished jobs go: `SUCCEEDED` ones after `JOBS_KEEP_DAYS` (14 by default), `DEAD`
//! ones (failed for the last time, shown on the Jobs page with their error) after
//! `DEAD_KEEP_DAYS` or `JOBS_KEEP_DAYS` if that is longer. `QUEUED`, `RUNNING` and `FAILED`
//! (waiting for a retry) jobs are never touched. A job's age is counted from when it
//! finished (`finished_at`; `updated_at` where that is missing: the last change of a
//! finished job is its finishing).
//!
//! Rows go in batches, each its own short statement with `SKIP LOCKED`, so the sweep
//! never holds many row locks or a long transaction, and a job being retried from the
//! Jobs page at that moment is simply left for the next day.

use sqlx::PgPool;

pub const PRUNE_KIND: &str = "jobs.prune";
/// Days dead jobs are kept: long enough to investigate a failure noticed late.
pub const DEAD_KEEP_DAYS: u32 = 90;
/// Rows deleted per statement.
pub const BATCH: u32 = 1000;

/// How long finished jobs are kept, in days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobRetention {
    pub succeeded_days: u32,
    pub dead_days: u32,
}

impl JobRetention {
    /// Succeeded jobs for `days` (`JOBS_KEEP_DAYS`); dead ones for `DEAD_KEEP_DAYS`, or
    /// `days` if that is longer.
    pub fn keeping_succeeded_for(days: u32) -> Self {
        Self {
            succeeded_days: days,
            dead_days: DEAD_KEEP_DAYS.max(days),
        }
    }
}

impl Default for JobRetention {
    fn default() -> Self {
        Self::keeping_succeeded_for(14)
    }
}

/// What one sweep deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub succeeded: u64,
    pub dead: u64,
}

/// Deletes the finished jobs older than `retention` allows, `batch` rows at a time.
pub async fn prune_finished(
    pool: &PgPool,
    retention: JobRetention,
    batch: u32,
) -> Result<Pruned, sqlx::Error> {
    Ok(Pruned {
        succeeded: delete_older(pool, "SUCCEEDED", retention.succeeded_days, batch).await?,
        dead: delete_older(pool, "DEAD", retention.dead_days, batch).await?,
    })
}

async fn delete_older(
    pool: &PgPool,
    status: &'static str,
    days: u32,
    batch: u32,
) -> Result<u64, sqlx::Error> {
    let days = i32::try_from(days).unwrap_or(i32::MAX);
    let batch = batch.max(1);
    let mut deleted = 0;
    loop {
        // `updated_at` first: `jobs_status_idx` (status, updated_at) finds the rows.
        // One statement deletes a batch and adds it to the tally the enqueued-jobs
        // counter reads, so the counter never falls.
        let done: i64 = sqlx::query_scalar(
            "with gone as (
                 delete from jobs
                  where id in (select id from jobs
                                where status = $1::text::job_status
                                  and updated_at < now() - make_interval(days => $2)
                                  and coalesce(finished_at, updated_at)
                                      < now() - make_interval(days => $2)
                                limit $3
                                for update skip locked)
                 returning 1
             )
             update jobs_pruned set count = count + (select count(*) from gone)
             returning (select count(*) from gone)",
        )
        .bind(status)
        .bind(days)
        .bind(i64::from(batch))
        .fetch_one(pool)
        .await?;
        let done = u64::try_from(done).unwrap_or(0);
        deleted += done;
        if done < u64::from(batch) {
            return Ok(deleted);
        }
        tracing::debug!(status, deleted, "pruning finished jobs");
        // Let the other work on this worker (and the database) breathe between batches.
        tokio::task::yield_now().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dead_jobs_are_kept_at_least_as_long_as_succeeded_ones() {
        assert_eq!(
            JobRetention::default(),
            JobRetention {
                succeeded_days: 14,
                dead_days: 90
            }
        );
        assert_eq!(JobRetention::keeping_succeeded_for(365).dead_days, 365);
    }
}
