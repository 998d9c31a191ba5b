//! Ratings set by hand (NOT_ASSESSED resets progress), the queues, a task's ratings.

use crate::assessments::ratings::api::{QueueKind, QueueRow, TaskRating};
use crate::wire::{Named, Page};
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    notifications::ssr::{Notice, notify_all},
    state::AppState,
};
use caretrack::{
    CompetencyLevel, ValidationError,
    london::{business_day, format_date, format_datetime},
    notification::NotificationKind,
};
use sqlx::types::Uuid;
use time::OffsetDateTime;

use {
    crate::assessments::ratings::ssr::answer::{competency_changed, note, record_history},
    crate::assessments::ratings::ssr::reminders::REVIEW_WINDOW_DAYS,
};

pub const PAGE_SIZE: i64 = 25;

/// A care manager sets a rating directly, with a reason: effective at once (no
/// confirmation), the carer told. Setting NOT_ASSESSED also resets the task's progress
/// to zero, so the carer practises it again towards a new assessment. Answers how many
/// carers it was set for.
#[tracing::instrument(skip_all)]
pub async fn set_manually(
    state: &AppState,
    actor: &Actor,
    carers: &[Uuid],
    task: Uuid,
    level: CompetencyLevel,
    reason_text: &str,
) -> Result<usize, AppError> {
    let reason = note(reason_text, "Give the reason for setting this rating")?;
    if carers.is_empty() {
        return Err(ValidationError::new("carers", "Choose at least one carer").into());
    }
    let mut tx = state.db.begin().await?;
    let task_name = sqlx::query_scalar!(
        "select name from tasks where id = $1 and deleted_at is null",
        task
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("The task".into()))?;
    let ids = sqlx::query_scalar!(
        "insert into competency_ratings
             (carer_id, task_id, level, state, source, effective_level, reason, rated_by, confirmed_at)
         select u.id, $2, $3::text::competency_level, 'CONFIRMED', 'MANUAL', $3::text::competency_level,
                $4, $5, now()
           from users u where u.id = any($1) and u.role = 'CARER' and u.deleted_at is null
         on conflict (carer_id, task_id) do update
            set id = gen_random_uuid(), level = excluded.level, state = 'CONFIRMED',
                source = 'MANUAL', effective_level = excluded.level, assessment_id = null,
                reason = excluded.reason, rated_by = excluded.rated_by, rated_at = now(),
                confirmed_at = now(), disputed_at = null, dispute_reason = null,
                reminder_sent_at = null, review_due_on = null, resolution = null,
                resolved_by = null, resolved_at = null
         returning id",
        carers,
        task,
        level.as_str(),
        reason,
        actor.user_id
    )
    .fetch_all(&mut *tx)
    .await?;
    if ids.len() != carers.len() {
        return Err(
            ValidationError::new("carers", "One of the chosen people is not a carer").into(),
        );
    }
    for id in &ids {
        record_history(&mut tx, *id, Some(&reason), actor.user_id).await?;
    }
    let reset = if level == CompetencyLevel::NotAssessed {
        sqlx::query!(
            "update task_progress
                set completed_count = 0, target_reached_at = null, reset_at = now(), reset_by = $3
              where task_id = $1 and carer_id = any($2)",
            task,
            carers,
            actor.user_id
        )
        .execute(&mut *tx)
        .await?
        .rows_affected()
    } else {
        0
    };
    let notice = Notice::new(
        NotificationKind::RatingSet,
        format!("Your {task_name} rating is now {}", level.label()),
    )
    .body(reason.clone())
    .link("/carer/ratings");
    notify_all(&mut tx, carers, &notice).await?;
    for &carer in carers {
        competency_changed(carer.into(), task);
    }
    audit::commit(
        tx,
        actor,
        Entry::new("ratings.set")
            .entity("task", task)
            .after(serde_json::json!({
                "level": level,
                "carers": carers,
                "reason": reason,
                "progress_reset": reset,
            })),
    )
    .await?;
    Ok(ids.len())
}

/// Progress page 4: ratings waiting for carers (oldest first, with the reminders
/// sent), disputed (oldest first, with the carer's reason), or due for review (soonest
/// first, overdue included).
#[tracing::instrument(skip_all)]
pub async fn queue(
    state: &AppState,
    which: QueueKind,
    page: i64,
) -> Result<Page<QueueRow>, AppError> {
    let page = page.max(1);
    let today = business_day(OffsetDateTime::now_utc());
    let which_text = match which {
        QueueKind::Disputed => "DISPUTED",
        QueueKind::Pending => "PENDING",
        QueueKind::Reviews => "REVIEWS",
    };
    let rows = sqlx::query!(
        r#"select r.id, r.carer_id, person_name(r.carer_id) as "carer!", k.name as task,
                  r.level::text as "level!", r.effective_level::text as "effective!", r.rated_at,
                  r.reminder_sent_at, r.disputed_at, r.dispute_reason, r.review_due_on,
                  person_name(r.rated_by) as rated_by,
                  count(*) over () as "total!"
             from competency_ratings r
             join tasks k on k.id = r.task_id
             join users u on u.id = r.carer_id and u.deleted_at is null
            where case $1
                    when 'DISPUTED' then r.state = 'DISPUTED'
                    when 'PENDING' then r.state = 'PENDING'
                    else r.review_due_on <= $4 and r.effective_level <> 'NOT_ASSESSED'
                  end
            order by case when $1 = 'REVIEWS' then r.review_due_on end,
                     coalesce(r.disputed_at, r.rated_at), r.id
            limit $2 offset $3"#,
        which_text,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
        today + time::Duration::days(REVIEW_WINDOW_DAYS)
    )
    .fetch_all(&state.db)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    let level = |l: &str| l.parse::<CompetencyLevel>().map_err(|_| AppError::Internal);
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(QueueRow {
                id: r.id.into(),
                carer: Named {
                    id: r.carer_id.into(),
                    name: r.carer,
                },
                task: r.task,
                level: level(&r.level)?,
                effective: level(&r.effective)?,
                rated_by: r.rated_by,
                rated_at: format_datetime(r.rated_at),
                reminded_at: r.reminder_sent_at.map(format_datetime),
                disputed_at: r.disputed_at.map(format_datetime),
                dispute_reason: r.dispute_reason,
                review_due: r.review_due_on.map(format_date),
                review_overdue: r.review_due_on.is_some_and(|d| d < today),
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(Page::new(items, total, page, PAGE_SIZE))
}

/// Progress page 3: every carer who has the task, with their rating and progress on it.
#[tracing::instrument(skip_all)]
pub async fn task_ratings(state: &AppState, task: Uuid) -> Result<Vec<TaskRating>, AppError> {
    sqlx::query!(
        r#"select u.id, person_name(u.id) as "name!",
                  coalesce(r.effective_level::text, 'NOT_ASSESSED') as "effective!",
                  r.state::text as state, coalesce(p.completed_count, 0) as "done!", k.target_count
             from tasks k
             join users u on u.role = 'CARER' and u.deleted_at is null
             left join competency_ratings r on r.carer_id = u.id and r.task_id = k.id
             left join task_progress p on p.carer_id = u.id and p.task_id = k.id
            where k.id = $1 and k.deleted_at is null
              and (r.carer_id is not null or p.carer_id is not null
                   or exists (select 1 from carer_packages cp
                                join package_tasks pt on pt.package_id = cp.package_id
                               where cp.carer_id = u.id and pt.task_id = k.id))
            order by 2"#,
        task
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|r| {
        Ok(TaskRating {
            carer: Named {
                id: r.id.into(),
                name: r.name,
            },
            effective: r.effective.parse().map_err(|_| AppError::Internal)?,
            state: r.state.and_then(|s| s.parse().ok()),
            progress: format!("{} of {}", r.done, r.target_count),
        })
    })
    .collect()
}
