//! Queries and actions behind the Jobs page and `GET /api/v1/admin/jobs`.

use super::api::{FAILURES_PER_PAGE, FailedJob, JobsOverview, QueueCount};
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    jobs::NOTIFY_CHANNEL,
};
use caretrack::ids::JobId;
use sqlx::PgPool;

#[tracing::instrument(skip_all)]
pub async fn overview(db: &PgPool, page: i64) -> Result<JobsOverview, AppError> {
    let page = page.max(1);
    let counts = sqlx::query!(
        r#"select queue, status::text as "status!", count(*) as "count!"
             from jobs group by queue, status order by queue, status"#
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|row| QueueCount {
        queue: row.queue,
        status: row.status,
        count: row.count,
    })
    .collect();
    let failures_total = sqlx::query_scalar!(
        r#"select count(*) as "count!" from jobs where status in ('FAILED', 'DEAD')"#
    )
    .fetch_one(db)
    .await?;
    let failures = sqlx::query!(
        r#"select id, kind, queue, status::text as "status!", attempts, max_attempts,
                  coalesce(last_error, '') as "last_error!", updated_at
             from jobs where status in ('FAILED', 'DEAD')
            order by updated_at desc, id
            limit $1 offset $2"#,
        FAILURES_PER_PAGE,
        (page - 1) * FAILURES_PER_PAGE
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|row| FailedJob {
        id: row.id.into(),
        kind: row.kind,
        queue: row.queue,
        status: row.status,
        attempts: row.attempts,
        max_attempts: row.max_attempts,
        last_error: row.last_error,
        updated: caretrack::london::format_datetime(row.updated_at),
    })
    .collect();
    Ok(JobsOverview {
        counts,
        failures,
        failures_total,
        page,
    })
}

/// Runs a failed or dead job again now, with a fresh set of attempts.
#[tracing::instrument(skip_all)]
pub async fn retry(db: &PgPool, id: JobId, actor: &Actor) -> Result<(), AppError> {
    let id = id.into_uuid();
    let mut tx = db.begin().await?;
    let job = sqlx::query!(
        r#"update jobs set status = 'QUEUED', attempts = 0, run_at = now(), finished_at = null
            where id = $1 and status in ('FAILED', 'DEAD')
        returning kind, queue"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::Conflict("Only failed or dead jobs can be retried; this one has moved on.".into())
    })?;
    sqlx::query!("select pg_notify($1, $2)", NOTIFY_CHANNEL, job.queue)
        .execute(&mut *tx)
        .await?;
    audit::commit(
        tx,
        actor,
        Entry::new("jobs.retry")
            .entity("job", id)
            .after(serde_json::json!({ "kind": job.kind })),
    )
    .await?;
    Ok(())
}

/// Removes a job that is not running; its last state is kept in the audit record.
#[tracing::instrument(skip_all)]
pub async fn discard(db: &PgPool, id: JobId, actor: &Actor) -> Result<(), AppError> {
    let id = id.into_uuid();
    let mut tx = db.begin().await?;
    let job = sqlx::query!(
        r#"delete from jobs where id = $1 and status <> 'RUNNING'
        returning kind, queue, status::text as "status!", attempts, last_error, payload"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::Conflict(
            "This job is running or no longer exists, so it cannot be discarded.".into(),
        )
    })?;
    let before = serde_json::json!({
        "kind": job.kind, "queue": job.queue, "status": job.status,
        "attempts": job.attempts, "last_error": job.last_error, "payload": job.payload,
    });
    audit::commit(
        tx,
        actor,
        Entry::new("jobs.discard").entity("job", id).before(before),
    )
    .await?;
    Ok(())
}
