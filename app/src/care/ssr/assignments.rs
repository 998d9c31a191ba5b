//! Which tasks are performed at a package, and which carers work there. Each call sets
//! the whole list for one package; progress is global per carer × task, so assigning
//! never resets or duplicates it (nothing here touches `task_progress`).

use super::super::api::{AssignmentChange, CarerImpact};
use crate::wire::Named;
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::ids::{CarePackageId, TaskId, UserId};
use sqlx::{PgConnection, types::Uuid};

async fn lock_package(conn: &mut PgConnection, package: Uuid) -> Result<(), AppError> {
    sqlx::query_scalar!(
        "select id from care_packages where id = $1 and deleted_at is null for update",
        package
    )
    .fetch_optional(conn)
    .await?
    .map(|_| ())
    .ok_or_else(|| AppError::NotFound("The care package".into()))
}

fn uuids<T: Copy + Into<Uuid>>(ids: &[T]) -> Vec<Uuid> {
    let mut out: Vec<Uuid> = ids.iter().map(|&id| id.into()).collect();
    out.sort();
    out.dedup();
    out
}

#[tracing::instrument(skip_all)]
pub async fn set_package_tasks(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    tasks: &[TaskId],
) -> Result<AssignmentChange, AppError> {
    let package = *package.as_uuid();
    let wanted = uuids(tasks);
    let mut tx = state.db.begin().await?;
    lock_package(&mut tx, package).await?;
    let live = sqlx::query_scalar!(
        r#"select count(*) as "n!" from tasks where id = any($1) and deleted_at is null"#,
        &wanted
    )
    .fetch_one(&mut *tx)
    .await?;
    if live != wanted.len() as i64 {
        return Err(AppError::validation(
            "tasks",
            "Some of those tasks no longer exist.",
        ));
    }
    let removed = sqlx::query_scalar!(
        // Links to tasks in the recycle bin stay, so a restore brings them back.
        r#"with gone as (delete from package_tasks where package_id = $1 and not (task_id = any($2))
                           and task_id in (select id from tasks where deleted_at is null)
                         returning task_id)
           select t.name from gone join tasks t on t.id = gone.task_id order by t.name"#,
        package,
        &wanted
    )
    .fetch_all(&mut *tx)
    .await?;
    let added = sqlx::query_scalar!(
        r#"with new as (insert into package_tasks (package_id, task_id, assigned_by)
                        select $1, unnest($2::uuid[]), $3
                        on conflict do nothing returning task_id)
           select t.name from new join tasks t on t.id = new.task_id order by t.name"#,
        package,
        &wanted,
        actor.user_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let change = AssignmentChange { added, removed };
    record(
        &mut tx,
        actor,
        "assignments.package_tasks",
        package,
        &change,
    )
    .await?;
    tx.commit().await?;
    super::package_updated(package, true);
    Ok(change)
}

#[tracing::instrument(skip_all)]
pub async fn set_package_carers(
    state: &AppState,
    actor: &Actor,
    package: CarePackageId,
    carers: &[UserId],
) -> Result<AssignmentChange, AppError> {
    let package = *package.as_uuid();
    let wanted = uuids(carers);
    let mut tx = state.db.begin().await?;
    lock_package(&mut tx, package).await?;
    // Only the carers being added must be active carers: someone deactivated since stays
    // listed until a manager unticks them, and that must not block saving the others.
    let unusable = sqlx::query_scalar!(
        r#"select count(*) as "n!" from unnest($1::uuid[]) as w(id)
            where not exists (select 1 from carer_packages where package_id = $2 and carer_id = w.id)
              and not exists (select 1 from users u where u.id = w.id and u.role = 'CARER'
                                 and u.is_active and u.deleted_at is null)"#,
        &wanted,
        package
    )
    .fetch_one(&mut *tx)
    .await?;
    if unusable > 0 {
        return Err(AppError::validation(
            "carers",
            "Only active carers can be assigned to a care package.",
        ));
    }
    let removed = sqlx::query_scalar!(
        r#"with gone as (delete from carer_packages where package_id = $1 and not (carer_id = any($2))
                           and carer_id in (select id from users where deleted_at is null)
                         returning carer_id)
           select coalesce(p.first_name || ' ' || p.last_name, u.email) as "name!"
             from gone join users u on u.id = gone.carer_id
             left join user_profiles p on p.user_id = u.id order by 1"#,
        package,
        &wanted
    )
    .fetch_all(&mut *tx)
    .await?;
    let added = sqlx::query_scalar!(
        r#"with new as (insert into carer_packages (carer_id, package_id, assigned_by)
                        select unnest($2::uuid[]), $1, $3
                        on conflict do nothing returning carer_id)
           select coalesce(p.first_name || ' ' || p.last_name, u.email) as "name!"
             from new join users u on u.id = new.carer_id
             left join user_profiles p on p.user_id = u.id order by 1"#,
        package,
        &wanted,
        actor.user_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let change = AssignmentChange { added, removed };
    record(
        &mut tx,
        actor,
        "assignments.package_carers",
        package,
        &change,
    )
    .await?;
    tx.commit().await?;
    super::package_updated(package, true);
    Ok(change)
}

async fn record(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    package: Uuid,
    change: &AssignmentChange,
) -> Result<(), AppError> {
    if change.added.is_empty() && change.removed.is_empty() {
        return Ok(());
    }
    audit::record(
        conn,
        actor,
        Entry::new(action)
            .entity("care_package", package)
            .before(serde_json::json!({ "removed": change.removed }))
            .after(serde_json::json!({ "added": change.added })),
    )
    .await?;
    Ok(())
}

/// For each carer not yet at the package: how many of its tasks would be new to them,
/// and on how many of those they already have progress (which counts at once).
#[tracing::instrument(skip_all)]
pub async fn preview_package_carers(
    state: &AppState,
    package: CarePackageId,
    carers: &[UserId],
) -> Result<Vec<CarerImpact>, AppError> {
    let package = *package.as_uuid();
    let wanted = uuids(carers);
    let rows = sqlx::query!(
        r#"select u.id, coalesce(p.first_name || ' ' || p.last_name, u.email) as "name!",
                  count(pt.task_id) filter (where mine.task_id is null) as "new_tasks!",
                  count(pt.task_id) filter (where mine.task_id is null and tp.completed_count > 0) as "with_progress!"
             from users u
             left join user_profiles p on p.user_id = u.id
             join package_tasks pt on pt.package_id = $1
             join tasks t on t.id = pt.task_id and t.deleted_at is null
             left join lateral (
                 select pt2.task_id from carer_packages cp2
                   join care_packages p2 on p2.id = cp2.package_id and p2.deleted_at is null
                   join package_tasks pt2 on pt2.package_id = cp2.package_id
                  where cp2.carer_id = u.id and pt2.task_id = pt.task_id and cp2.package_id <> $1
                  limit 1) mine on true
             left join task_progress tp on tp.carer_id = u.id and tp.task_id = pt.task_id
            where u.id = any($2) and u.role = 'CARER'
              and not exists (select 1 from carer_packages cp where cp.carer_id = u.id and cp.package_id = $1)
            group by u.id, p.first_name, p.last_name
            order by 2"#,
        package,
        &wanted
    )
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CarerImpact {
            carer: Named {
                id: r.id.into(),
                name: r.name,
            },
            new_tasks: r.new_tasks,
            with_progress: r.with_progress,
        })
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn task_choices(state: &AppState) -> Result<Vec<Named<TaskId>>, AppError> {
    Ok(
        sqlx::query!("select id, name from tasks where deleted_at is null order by category, name")
            .fetch_all(&state.db)
            .await?
            .into_iter()
            .map(|r| Named {
                id: r.id.into(),
                name: r.name,
            })
            .collect(),
    )
}

/// Active carers; a carer asking gets only themselves.
#[tracing::instrument(skip_all)]
pub async fn carer_choices(
    state: &AppState,
    user: &crate::auth::CurrentUser,
) -> Result<Vec<Named<UserId>>, AppError> {
    let only = (user
        .role
        .scope(caretrack::permissions::Permission::ViewProgress)
        == Some(caretrack::permissions::Scope::Own))
    .then_some(user.user_id);
    Ok(sqlx::query!(
        r#"select u.id, coalesce(p.first_name || ' ' || p.last_name, u.email) as "name!"
             from users u left join user_profiles p on p.user_id = u.id
            where u.role = 'CARER' and u.is_active and u.deleted_at is null
              and ($1::uuid is null or u.id = $1)
            order by p.last_name nulls last, p.first_name, u.email"#,
        only
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|r| Named {
        id: r.id.into(),
        name: r.name,
    })
    .collect())
}
