//! A carer's day: today's tasks at their packages, with the recent logs.

use crate::care::api::{RecentLog, Today, TodayTask};
use crate::wire::Named;
use crate::{error::AppError, state::AppState};
use caretrack::{
    care::{self, Progress, remaining_today},
    london,
};
use sqlx::types::Uuid;
use time::OffsetDateTime;

/// The carer's tasks for today: every task of every package they work at, with today's
/// total and global progress; tasks that reached their target leave the list.
/// How many of a carer's latest logs their home page lists.
pub(super) const RECENT_LOGS: i64 = 5;

#[tracing::instrument(skip_all)]
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
