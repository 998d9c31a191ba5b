//! Logging practice: one completion (the one-statement log), a batch synced from a phone
//! that was offline, and the answer a refused log gets.

use crate::care::api::{LoggedPractice, QueuedLog, SYNC_BATCH, SyncOutcome};
use crate::{
    error::AppError,
    live::{Event, bus},
    state::AppState,
};
use caretrack::{
    DailyCompletionCount,
    care::{self, Progress, remaining_today},
    ids::{CarePackageId, TaskId},
    london,
};
use sqlx::types::Uuid;
use time::OffsetDateTime;

/// What is being logged, apart from the count.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub task_id: TaskId,
    pub care_package_id: CarePackageId,
    /// A UUID made by the client for this log (and reused if it has to send it again).
    pub idempotency_key: &'a str,
    /// When it happened, if the client logged it while offline.
    pub logged_at: Option<OffsetDateTime>,
}

/// `count` as typed: 1–100 (the remaining allowance is the statement's to check).
#[tracing::instrument(skip_all)]
pub async fn log_typed(
    state: &AppState,
    carer: Uuid,
    entry: Entry<'_>,
    count: &str,
) -> Result<LoggedPractice, AppError> {
    let count = care::parse_daily_count(count, 0)?;
    log(state, carer, entry, count).await
}

/// Logs kept offline, in order (`api::sync_practice`).
#[tracing::instrument(skip_all)]
pub async fn sync(
    state: &AppState,
    carer: Uuid,
    logs: &[QueuedLog],
) -> Result<Vec<SyncOutcome>, AppError> {
    if logs.len() > SYNC_BATCH {
        return Err(AppError::validation(
            "logs",
            format!("Send at most {SYNC_BATCH} logs at a time."),
        ));
    }
    let mut outcomes = Vec::with_capacity(logs.len());
    for queued in logs {
        let logged_at = OffsetDateTime::parse(
            &queued.logged_at,
            &time::format_description::well_known::Rfc3339,
        );
        let outcome = match logged_at {
            // Someone else's log on a shared phone: theirs to send when they sign in.
            _ if Uuid::from(queued.carer) != carer => SyncOutcome::Later,
            Err(_) => SyncOutcome::Refused("The time it was logged is unreadable.".into()),
            Ok(logged_at) => {
                let entry = Entry {
                    task_id: queued.task_id,
                    care_package_id: queued.care_package_id,
                    idempotency_key: &queued.idempotency_key,
                    logged_at: Some(logged_at),
                };
                match log_typed(state, carer, entry, &queued.count).await {
                    Ok(_) => SyncOutcome::Counted,
                    Err(AppError::Internal | AppError::Unavailable(_) | AppError::Transport(_)) => {
                        SyncOutcome::Later
                    }
                    Err(refused) => SyncOutcome::Refused(refused.to_string()),
                }
            }
        };
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

#[tracing::instrument(skip_all)]
pub async fn log(
    state: &AppState,
    carer: Uuid,
    entry: Entry<'_>,
    count: DailyCompletionCount,
) -> Result<LoggedPractice, AppError> {
    let key: Uuid = entry.idempotency_key.trim().parse().map_err(|_| {
        AppError::validation(
            "idempotency_key",
            "The idempotency key must be a UUID made for this log.",
        )
    })?;
    let now = OffsetDateTime::now_utc();
    let logged_at = entry.logged_at.unwrap_or(now);
    care::check_logged_at(logged_at, now)?;
    let source = if entry.logged_at.is_some() {
        "OFFLINE_SYNC"
    } else {
        "ONLINE"
    };
    let task = *entry.task_id.as_uuid();
    let package = *entry.care_package_id.as_uuid();
    let day = london::business_day(logged_at);

    let result = sqlx::query_file!(
        "src/care/ssr/log_practice.sql",
        carer,
        task,
        package,
        day,
        count.get(),
        key,
        logged_at,
        source,
    )
    .fetch_optional(&state.db)
    .await;

    match result {
        Ok(Some(row)) => {
            let carer_id = carer.into();
            bus::emit_to(
                bus::carer_and_office(carer_id),
                &Event::TaskProgress {
                    carer_id,
                    task_id: entry.task_id,
                },
            );
            Ok(LoggedPractice {
                assessment_ready: row.assessment_ready,
                ..answer(entry.task_id, row.logged_today, row.current, row.target)
            })
        }
        Ok(None) => match replay(state, carer, entry.task_id, key).await? {
            Some(first) => Ok(first),
            None => Err(refusal(state, carer, task, package, day, logged_at).await),
        },
        Err(sqlx::Error::Database(err))
            if err.constraint() == Some("task_completions_idempotency_key") =>
        {
            replay(state, carer, entry.task_id, key)
                .await?
                .ok_or(AppError::Internal)
        }
        Err(err) => Err(err.into()),
    }
}

pub(super) fn answer(
    task_id: TaskId,
    logged_today: i32,
    current: i32,
    target: i32,
) -> LoggedPractice {
    LoggedPractice {
        task_id,
        logged_today,
        remaining_today: remaining_today(logged_today),
        progress: Progress { current, target }.into(),
        assessment_ready: false,
    }
}

/// The first answer for `key`, if it has been used: only by the same carer for the same
/// task (anything else is a client bug, refused rather than guessed at).
#[tracing::instrument(skip_all)]
pub(super) async fn replay(
    state: &AppState,
    carer: Uuid,
    task_id: TaskId,
    key: Uuid,
) -> Result<Option<LoggedPractice>, AppError> {
    let Some(first) = sqlx::query!(
        r#"select c.carer_id, c.task_id, c.day_total_after, c.progress_after, t.target_count,
                  exists (select 1 from assessments a
                            join assessment_template_tasks tt on tt.template_id = a.template_id
                           where a.carer_id = c.carer_id and tt.task_id = c.task_id
                             and a.status = 'READY' and a.deleted_at is null) as "assessment_ready!"
             from task_completions c join tasks t on t.id = c.task_id
            where c.idempotency_key = $1"#,
        key
    )
    .fetch_optional(&state.db)
    .await?
    else {
        return Ok(None);
    };
    if first.carer_id != carer || first.task_id != *task_id.as_uuid() {
        return Err(AppError::Conflict(
            "That idempotency key was already used for another log.".into(),
        ));
    }
    Ok(Some(LoggedPractice {
        assessment_ready: first.assessment_ready,
        ..answer(
            task_id,
            first.day_total_after.unwrap_or(0),
            first.progress_after.unwrap_or(0),
            first.target_count,
        )
    }))
}

/// Why a log was not recorded: the task, the package, or the day's cap.
#[tracing::instrument(skip_all)]
pub(super) async fn refusal(
    state: &AppState,
    carer: Uuid,
    task: Uuid,
    package: Uuid,
    day: time::Date,
    logged_at: OffsetDateTime,
) -> AppError {
    let facts = sqlx::query!(
        r#"select exists (select 1 from tasks where id = $2 and deleted_at is null) as "task_exists!",
                  exists (select 1 from carer_packages cp
                            join care_packages p on p.id = cp.package_id and p.deleted_at is null
                            join package_tasks pt on pt.package_id = cp.package_id
                           where cp.carer_id = $1 and cp.package_id = $3 and pt.task_id = $2
                             and cp.assigned_at <= $5 and pt.assigned_at <= $5) as "assigned!",
                  coalesce((select total from task_daily_totals
                             where carer_id = $1 and task_id = $2 and business_date = $4), 0) as "logged_today!""#,
        carer,
        task,
        package,
        day,
        logged_at
    )
    .fetch_one(&state.db)
    .await;
    match facts {
        Err(err) => err.into(),
        Ok(f) if !f.task_exists => AppError::validation("task_id", "There is no such task."),
        Ok(f) if !f.assigned => AppError::validation(
            "task_id",
            "This task is not on your list at that care package (on that day).",
        ),
        Ok(f) => AppError::OverDailyCap {
            remaining: remaining_today(f.logged_today),
        },
    }
}
