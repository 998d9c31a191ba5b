//! Progress: a carer's across packages, the office's view of it, and resetting it.

use crate::care::api::{CarerProgress, ProgressRow};
use crate::wire::Named;
use crate::{auth::CurrentUser, error::AppError, state::AppState};
use caretrack::{
    Role,
    care::{self, Progress},
    ids::{TaskId, UserId},
    london,
    permissions::{Permission, Scope},
};

/// A carer's progress on every task they have practised or are assigned. Carers see
/// only their own.
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
pub(super) fn rating_text(
    effective: Option<&str>,
    latest: Option<&str>,
    state: Option<&str>,
) -> String {
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
#[tracing::instrument(skip_all)]
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
    crate::audit::commit(
        tx,
        actor,
        crate::audit::Entry::new("progress.reset")
            .entity("user", carer)
            .before(serde_json::json!({ "task_id": task, "completed": before }))
            .after(serde_json::json!({ "task_id": task, "completed": 0, "reason": reason })),
    )
    .await?;
    Ok(())
}
