//! Daily practice: what a carer has to do today, logging completions, and progress.
//!
//! A log is one SQL statement: it checks the task is the carer's at that package, adds
//! to the day's total only while the total stays within the cap (the row lock of the
//! upsert serialises concurrent logs), adds to global progress and records the
//! completion with the totals it produced. The completion's idempotency key is unique,
//! so a retried request fails that insert, the whole statement rolls back, and the
//! stored totals of the first request are answered again.

use super::super::api::{
    CarerProgress, LoggedPractice, ProgressRow, QueuedLog, RecentLog, SYNC_BATCH, SyncOutcome,
    Today, TodayTask,
};
use crate::wire::Named;
use crate::{
    auth::CurrentUser,
    error::AppError,
    live::{Event, bus},
    state::AppState,
};
use caretrack::{
    DailyCompletionCount, Role,
    care::{self, Progress, remaining_today},
    ids::{CarePackageId, TaskId, UserId},
    london,
    permissions::{Permission, Scope},
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

fn answer(task_id: TaskId, logged_today: i32, current: i32, target: i32) -> LoggedPractice {
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
async fn replay(
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
async fn refusal(
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

/// The carer's tasks for today: every task of every package they work at, with today's
/// total and global progress; tasks that reached their target leave the list.
/// How many of a carer's latest logs their home page lists.
const RECENT_LOGS: i64 = 5;

pub async fn today(state: &AppState, carer: Uuid) -> Result<Today, AppError> {
    let day = london::business_day(OffsetDateTime::now_utc());
    let rows = sqlx::query!(
        r#"select t.id, t.name, t.category, t.description, t.target_count,
                  coalesce(tp.completed_count, 0) as "current!",
                  coalesce(d.total, 0) as "logged_today!",
                  array_agg(p.id order by p.name) as "package_ids!",
                  array_agg(p.name order by p.name) as "package_names!"
             from carer_packages cp
             join care_packages p on p.id = cp.package_id and p.deleted_at is null
             join package_tasks pt on pt.package_id = cp.package_id
             join tasks t on t.id = pt.task_id and t.deleted_at is null
             left join task_progress tp on tp.carer_id = cp.carer_id and tp.task_id = t.id
             left join task_daily_totals d
                    on d.carer_id = cp.carer_id and d.task_id = t.id and d.business_date = $2
            where cp.carer_id = $1
            group by t.id, tp.completed_count, d.total
            order by t.category, t.name"#,
        carer,
        day
    )
    .fetch_all(&state.db)
    .await?;
    let all: Vec<Progress> = rows
        .iter()
        .map(|r| Progress {
            current: r.current,
            target: r.target_count,
        })
        .collect();
    let overall_percent = care::overall_percent(&all);
    let assigned = rows.len() as i64;
    let tasks = rows
        .into_iter()
        .zip(all)
        .filter(|(_, progress)| !progress.is_complete())
        .map(|(r, progress)| TodayTask {
            task_id: r.id.into(),
            name: r.name,
            category: r.category,
            description: r.description,
            logged_today: r.logged_today,
            remaining_today: remaining_today(r.logged_today),
            progress: progress.into(),
            packages: r
                .package_ids
                .into_iter()
                .zip(r.package_names)
                .map(|(id, name)| Named {
                    id: id.into(),
                    name,
                })
                .collect(),
        })
        .collect();
    let recent = sqlx::query!(
        r#"select t.name, c.count, c.logged_at, c.source
             from task_completions c join tasks t on t.id = c.task_id
            where c.carer_id = $1
            order by c.business_date desc, c.logged_at desc
            limit $2"#,
        carer,
        RECENT_LOGS
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|r| RecentLog {
        task: r.name,
        count: r.count,
        when: london::format_datetime(r.logged_at),
        offline: r.source == "OFFLINE_SYNC",
    })
    .collect();
    let waiting = sqlx::query!(
        r#"select (select count(*) from competency_ratings
                    where carer_id = $1 and state = 'PENDING') as "pending!",
                  (select count(*) from notifications
                    where user_id = $1 and read_at is null) as "unread!""#,
        carer
    )
    .fetch_one(&state.db)
    .await?;
    Ok(Today {
        tasks,
        assigned,
        overall_percent,
        recent,
        pending_confirmations: waiting.pending,
        unread_notifications: waiting.unread,
    })
}

/// A carer's progress on every task they have practised or are assigned. Carers see
/// only their own.
pub async fn progress(
    state: &AppState,
    viewer: &CurrentUser,
    carer: UserId,
) -> Result<CarerProgress, AppError> {
    if viewer.role.scope(Permission::ViewProgress) == Some(Scope::Own)
        && viewer.user_id != *carer.as_uuid()
    {
        return Err(AppError::NotFound("The carer".into()));
    }
    progress_of(state, carer).await
}

/// A carer's progress, for whoever is entitled to it (the caller checked): the
/// progress page and the evidence pack.
pub async fn progress_of(state: &AppState, carer: UserId) -> Result<CarerProgress, AppError> {
    let carer = *carer.as_uuid();
    let person = sqlx::query!(
        r#"select u.role::text as "role!", coalesce(p.first_name || ' ' || p.last_name, u.email) as "name!"
             from users u left join user_profiles p on p.user_id = u.id
            where u.id = $1 and u.deleted_at is null"#,
        carer
    )
    .fetch_optional(&state.db)
    .await?
    .filter(|p| p.role == Role::Carer.as_str())
    .ok_or_else(|| AppError::NotFound("The carer".into()))?;

    let rows = sqlx::query!(
        r#"with assigned as (
               select distinct pt.task_id
                 from carer_packages cp
                 join care_packages p on p.id = cp.package_id and p.deleted_at is null
                 join package_tasks pt on pt.package_id = cp.package_id
                where cp.carer_id = $1
           )
           select t.id, t.name, t.category, t.target_count,
                  coalesce(tp.completed_count, 0) as "current!",
                  tp.last_logged_at as "last_logged_at?",
                  (a.task_id is not null) as "assigned!",
                  r.effective_level::text as "effective?", r.level::text as "latest?",
                  r.state::text as "rating_state?"
             from tasks t
             left join task_progress tp on tp.task_id = t.id and tp.carer_id = $1
             left join competency_ratings r on r.task_id = t.id and r.carer_id = $1
             left join assigned a on a.task_id = t.id
            where t.deleted_at is null and (a.task_id is not null or tp.task_id is not null)
            order by t.category, t.name"#,
        carer
    )
    .fetch_all(&state.db)
    .await?;
    let assigned: Vec<Progress> = rows
        .iter()
        .filter(|r| r.assigned)
        .map(|r| Progress {
            current: r.current,
            target: r.target_count,
        })
        .collect();
    Ok(CarerProgress {
        carer: Named {
            id: carer.into(),
            name: person.name,
        },
        overall_percent: care::overall_percent(&assigned),
        rows: rows
            .into_iter()
            .map(|r| ProgressRow {
                task_id: r.id.into(),
                name: r.name,
                category: r.category,
                progress: Progress {
                    current: r.current,
                    target: r.target_count,
                }
                .into(),
                assigned: r.assigned,
                last_logged: r.last_logged_at.map(london::format_datetime),
                rating: rating_text(
                    r.effective.as_deref(),
                    r.latest.as_deref(),
                    r.rating_state.as_deref(),
                ),
            })
            .collect(),
    })
}

/// A carer's rating on a task as the progress table shows it: the effective level, and
/// a newer rating waiting for them or disputed.
fn rating_text(effective: Option<&str>, latest: Option<&str>, state: Option<&str>) -> String {
    let level = |l: Option<&str>| {
        l.and_then(|l| l.parse::<caretrack::CompetencyLevel>().ok())
            .unwrap_or_default()
    };
    let effective = level(effective).label();
    match state.and_then(|s| s.parse::<caretrack::RatingState>().ok()) {
        Some(state @ (caretrack::RatingState::Pending | caretrack::RatingState::Disputed)) => {
            format!(
                "{effective} ({} {})",
                level(latest).label(),
                state.label().to_lowercase()
            )
        }
        _ => effective.to_owned(),
    }
}

/// Sets a carer's progress on one task back to 0. Today's totals stand (the cap is about
/// what was done today); the reason and the count before are audited.
pub async fn reset(
    state: &AppState,
    actor: &crate::audit::Actor,
    carer: UserId,
    task: TaskId,
    reason: &str,
) -> Result<(), AppError> {
    let reason = caretrack::text::single_line(reason, "reason", 300, "Say why it is reset")?;
    let (carer, task) = (*carer.as_uuid(), *task.as_uuid());
    let mut tx = state.db.begin().await?;
    let before = sqlx::query_scalar!(
        "select completed_count from task_progress where carer_id = $1 and task_id = $2 for update",
        carer,
        task
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Progress on that task".into()))?;
    sqlx::query!(
        "update task_progress
            set completed_count = 0, target_reached_at = null, reset_at = now(), reset_by = $3
          where carer_id = $1 and task_id = $2",
        carer,
        task,
        actor.user_id
    )
    .execute(&mut *tx)
    .await?;
    crate::audit::record(
        &mut tx,
        actor,
        crate::audit::Entry::new("progress.reset")
            .entity("user", carer)
            .before(serde_json::json!({ "task_id": task, "completed": before }))
            .after(serde_json::json!({ "task_id": task, "completed": 0, "reason": reason })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every carer's progress on every task they are assigned or have logged, as the
/// Progress page shows it one carer at a time, as CSV. The route requires
/// `ViewProgress`; a carer (scope `Own`) gets their own rows only.
pub async fn progress_csv(state: &AppState, user: &CurrentUser) -> Result<String, AppError> {
    let only =
        (user.role.scope(Permission::ViewProgress) == Some(Scope::Own)).then_some(user.user_id);
    let rows = sqlx::query!(
        r#"with pairs as (
               select carer_id, task_id, bool_or(assigned) as assigned
                 from (select carer_id, task_id, true as assigned from carer_assigned_tasks
                       union all
                       select carer_id, task_id, false from task_progress) p
                group by carer_id, task_id
           )
           select u.id as carer_id, person_name(u.id) as "carer!", u.email, u.is_active,
                  t.name as task, t.category, t.target_count,
                  coalesce(tp.completed_count, 0) as "current!",
                  tp.last_logged_at as "last_logged_at?",
                  x.assigned as "assigned!",
                  r.effective_level::text as "effective?", r.state::text as "rating_state?"
             from pairs x
             join users u on u.id = x.carer_id and u.role = 'CARER' and u.deleted_at is null
             join tasks t on t.id = x.task_id and t.deleted_at is null
             left join task_progress tp on tp.carer_id = x.carer_id and tp.task_id = x.task_id
             left join competency_ratings r on r.carer_id = x.carer_id and r.task_id = x.task_id
            where $1::uuid is null or u.id = $1
            order by 2, u.email, t.category, t.name"#,
        only
    )
    .fetch_all(&state.db)
    .await?;
    let mut out = crate::csv::line([
        "carer_id",
        "carer",
        "email",
        "active",
        "task",
        "category",
        "assigned",
        "completed",
        "target",
        "percent",
        "band",
        "competency",
        "rating_state",
        "last_logged_utc",
    ]);
    for r in rows {
        let progress = Progress {
            current: r.current,
            target: r.target_count,
        };
        let level = r
            .effective
            .as_deref()
            .and_then(|l| l.parse::<caretrack::CompetencyLevel>().ok())
            .unwrap_or_default();
        let state = r
            .rating_state
            .as_deref()
            .and_then(|s| s.parse::<caretrack::RatingState>().ok())
            .map_or("", |s| s.label());
        out.push_str(&crate::csv::line([
            r.carer_id.to_string(),
            r.carer,
            r.email,
            if r.is_active { "yes" } else { "no" }.to_owned(),
            r.task,
            r.category,
            if r.assigned { "yes" } else { "no" }.to_owned(),
            r.current.to_string(),
            r.target_count.to_string(),
            format!("{:.1}", progress.percent()),
            caretrack::analytics::ProgressBand::of(progress)
                .label()
                .to_owned(),
            level.label().to_owned(),
            state.to_owned(),
            r.last_logged_at
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_default(),
        ]));
    }
    Ok(out)
}
