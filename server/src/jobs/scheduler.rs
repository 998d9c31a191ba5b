//! Scheduled jobs: cron expressions in Europe/London, enqueued exactly once per fire time
//! however many server instances run the scheduler (the de-duplication key is the job's
//! name and the fire instant).

use app::jobs::{NewJob, enqueue};
use caretrack::schedule::CronSchedule;
use serde_json::json;
use sqlx::PgPool;
use std::{future::Future, time::Duration};
use time::OffsetDateTime;

pub const CLEANUP_KIND: &str = "maintenance.cleanup_expired_credentials";
/// Warns the managers of purges due within a week, then purges what has been in the
/// recycle bin long enough (after that warning).
pub const RECYCLE_BIN_PURGE_KIND: &str = "recycle_bin.purge_expired";
/// Reminds carers of ratings waiting for their confirmation (48 h, then daily for a week).
pub const RATING_REMINDERS_KIND: &str = "ratings.remind";
/// Tells care managers, weekly, of competency reviews overdue or coming up.
pub const REVIEW_REMINDER_KIND: &str = "ratings.review_reminder";

/// One entry of the schedule.
#[derive(Clone, Debug)]
pub struct ScheduledJob {
    pub name: &'static str,
    pub schedule: CronSchedule,
    pub kind: &'static str,
}

/// The schedule every deployment runs. Features add their sweeps here.
pub fn standard_schedule() -> Vec<ScheduledJob> {
    vec![
        ScheduledJob {
            name: "cleanup-expired-credentials",
            schedule: CronSchedule::parse("15 * * * *").expect("valid cron"),
            kind: CLEANUP_KIND,
        },
        ScheduledJob {
            name: "collect-file-garbage",
            schedule: CronSchedule::parse("40 3 * * *").expect("valid cron"),
            kind: crate::files::GC_KIND,
        },
        ScheduledJob {
            name: "remind-of-pending-ratings",
            schedule: CronSchedule::parse("35 * * * *").expect("valid cron"),
            kind: RATING_REMINDERS_KIND,
        },
        ScheduledJob {
            name: "remind-of-reviews",
            schedule: CronSchedule::parse("0 8 * * 1").expect("valid cron"),
            kind: REVIEW_REMINDER_KIND,
        },
        ScheduledJob {
            name: "expire-reports",
            schedule: CronSchedule::parse("50 * * * *").expect("valid cron"),
            kind: app::reports::EXPIRE_KIND,
        },
        // A quiet hour, after the night's other sweeps.
        ScheduledJob {
            name: "prune-finished-jobs",
            schedule: CronSchedule::parse("10 4 * * *").expect("valid cron"),
            kind: super::prune::PRUNE_KIND,
        },
        // After midnight's records: the day's last row, signed, beside the uploads.
        ScheduledJob {
            name: "anchor-audit-chain",
            schedule: CronSchedule::parse("5 0 * * *").expect("valid cron"),
            kind: crate::audit_chain::ANCHOR_KIND,
        },
        ScheduledJob {
            name: "purge-recycle-bin",
            schedule: CronSchedule::parse("20 2 * * *").expect("valid cron"),
            kind: RECYCLE_BIN_PURGE_KIND,
        },
    ]
}

/// Enqueues every fire in `(since, until]`. Returns how many jobs were new (fires another
/// instance already enqueued are skipped by their key).
pub async fn enqueue_due(
    pool: &PgPool,
    schedule: &[ScheduledJob],
    since: OffsetDateTime,
    until: OffsetDateTime,
) -> Result<usize, sqlx::Error> {
    let mut created = 0;
    let mut tx = pool.begin().await?;
    for entry in schedule {
        let mut cursor = since;
        while let Some(fire) = entry
            .schedule
            .next_after(cursor)
            .filter(|fire| *fire <= until)
        {
            let key = format!("cron:{}:{}", entry.name, fire.unix_timestamp());
            let job = NewJob::new(
                entry.kind,
                &json!({ "scheduled_for": fire.unix_timestamp() }),
            )
            .run_at(fire)
            .dedupe_key(key)
            .max_attempts(3);
            if enqueue(&mut tx, job).await?.is_some() {
                created += 1;
            }
            cursor = fire;
        }
    }
    tx.commit().await?;
    Ok(created)
}

/// Every `tick`, enqueues what fell due since the last tick. On start it looks back
/// `catch_up`, so fires missed while no instance was running still happen (once).
pub async fn run(
    pool: PgPool,
    schedule: Vec<ScheduledJob>,
    tick: Duration,
    catch_up: Duration,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let mut since = OffsetDateTime::now_utc() - catch_up;
    loop {
        let now = OffsetDateTime::now_utc();
        match enqueue_due(&pool, &schedule, since, now).await {
            Ok(created) => {
                if created > 0 {
                    tracing::info!(created, "scheduled jobs enqueued");
                }
                since = now;
            }
            Err(err) => {
                tracing::warn!(error = %err, "could not enqueue scheduled jobs; will retry")
            }
        }
        tokio::select! {
            () = &mut shutdown => break,
            () = tokio::time::sleep(tick) => {}
        }
    }
}

/// Removes sign-in material that can no longer be used: expired or revoked sessions (and
/// their refresh tokens), and used or expired one-time tokens, after a week's grace for
/// investigations.
pub async fn clean_up_expired_credentials(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let removed = sqlx::query_scalar!(
        r#"with sessions_gone as (
               delete from sessions
               where coalesce(revoked_at, expires_at) < now() - interval '7 days'
               returning 1),
           resets_gone as (
               delete from password_reset_tokens
               where coalesce(used_at, expires_at) < now() - interval '7 days'
               returning 1),
           changes_gone as (
               delete from email_change_tokens
               where coalesce(used_at, expires_at) < now() - interval '7 days'
               returning 1),
           -- A failed email keeps its links for a week, so the job can be retried;
           -- then they go (every link it carried has expired by then).
           payloads_gone as (
               update email_messages set payload = '{}'
               where status = 'FAILED' and payload <> '{}' and updated_at < now() - interval '7 days'
               returning 1)
           select (select count(*) from sessions_gone)
                + (select count(*) from resets_gone)
                + (select count(*) from changes_gone)
                + (select count(*) from payloads_gone) as "removed!""#
    )
    .fetch_one(pool)
    .await?;
    Ok(u64::try_from(removed).unwrap_or(0))
}
