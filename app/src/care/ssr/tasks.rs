//! Tasks: care activities with a target count. Names are unique among live tasks.

use super::super::api::{PAGE_SIZE, TaskSummary};
use crate::wire::Page;
use crate::{
    audit::{self, Actor, Entry},
    auth::CurrentUser,
    error::AppError,
    state::AppState,
};
use caretrack::{
    care::{TaskDraft, TaskForm},
    ids::TaskId,
    permissions::{Permission, Scope},
    text::like_contains,
};
use sqlx::types::Uuid;

#[tracing::instrument(skip_all)]
pub async fn list(
    state: &AppState,
    user: &CurrentUser,
    search: &str,
    page: i64,
) -> Result<Page<TaskSummary>, AppError> {
    let page = page.max(1);
    let pattern = like_contains(search);
    // Carers see the tasks of the packages they work at.
    let carer = (user.role.scope(Permission::ViewCare) == Some(Scope::Own)).then_some(user.user_id);
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from tasks t
            where t.deleted_at is null and (t.name ilike $1 or t.category ilike $1)
              and ($2::uuid is null or exists
                   (select 1 from package_tasks pt join carer_packages cp on cp.package_id = pt.package_id
                     where pt.task_id = t.id and cp.carer_id = $2))"#,
        pattern,
        carer
    )
    .fetch_one(&state.db)
    .await?;
    let items = sqlx::query!(
        r#"select t.id, t.name, t.category, t.description, t.target_count,
                  (select count(*) from package_tasks pt join care_packages p on p.id = pt.package_id
                    where pt.task_id = t.id and p.deleted_at is null) as "packages!"
             from tasks t
            where t.deleted_at is null and (t.name ilike $1 or t.category ilike $1)
              and ($2::uuid is null or exists
                   (select 1 from package_tasks pt join carer_packages cp on cp.package_id = pt.package_id
                     where pt.task_id = t.id and cp.carer_id = $2))
            order by t.category, t.name, t.id
            limit $3 offset $4"#,
        pattern,
        carer,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|r| TaskSummary {
        id: r.id.into(),
        name: r.name,
        category: r.category,
        description: r.description,
        target_count: r.target_count,
        packages: r.packages,
    })
    .collect();
    Ok(Page::new(items, total, page, PAGE_SIZE))
}

/// One live task.
#[tracing::instrument(skip_all)]
pub async fn get(state: &AppState, id: TaskId) -> Result<TaskSummary, AppError> {
    let r = sqlx::query!(
        r#"select t.id, t.name, t.category, t.description, t.target_count,
                  (select count(*) from package_tasks pt join care_packages p on p.id = pt.package_id
                    where pt.task_id = t.id and p.deleted_at is null) as "packages!"
             from tasks t where t.id = $1 and t.deleted_at is null"#,
        id.as_uuid()
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::NotFound("The task".into()))?;
    Ok(TaskSummary {
        id: r.id.into(),
        name: r.name,
        category: r.category,
        description: r.description,
        target_count: r.target_count,
        packages: r.packages,
    })
}

/// Creates a task (`id` is `None`) or changes one; audited with before and after.
#[tracing::instrument(skip_all)]
pub async fn save(
    state: &AppState,
    actor: &Actor,
    id: Option<TaskId>,
    form: &TaskForm,
) -> Result<TaskId, AppError> {
    let draft = TaskDraft::parse(form)?;
    let after = serde_json::json!({
        "name": draft.name,
        "category": draft.category,
        "description": draft.description,
        "target_count": draft.target_count.get(),
    });
    let mut tx = state.db.begin().await?;
    let id: Uuid = match id {
        None => {
            let id = sqlx::query_scalar!(
                "insert into tasks (name, category, description, target_count, created_by)
                 values ($1, $2, $3, $4, $5) returning id",
                draft.name,
                draft.category,
                draft.description,
                draft.target_count.get(),
                actor.user_id
            )
            .fetch_one(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                actor,
                Entry::new("tasks.create").entity("task", id).after(after),
            )
            .await?;
            id
        }
        Some(id) => {
            let id = *id.as_uuid();
            let before = sqlx::query!(
                "select name, category, description, target_count
                   from tasks where id = $1 and deleted_at is null for update",
                id
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::NotFound("The task".into()))?;
            sqlx::query!(
                "update tasks set name = $2, category = $3, description = $4, target_count = $5
                  where id = $1",
                id,
                draft.name,
                draft.category,
                draft.description,
                draft.target_count.get()
            )
            .execute(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                actor,
                Entry::new("tasks.update")
                    .entity("task", id)
                    .before(serde_json::json!({
                        "name": before.name,
                        "category": before.category,
                        "description": before.description,
                        "target_count": before.target_count,
                    }))
                    .after(after),
            )
            .await?;
            id
        }
    };
    tx.commit().await?;
    Ok(id.into())
}

/// Moves a task to the recycle bin; carers' progress on it is kept for a restore.
#[tracing::instrument(skip_all)]
pub async fn delete(state: &AppState, actor: &Actor, id: TaskId) -> Result<(), AppError> {
    let id = *id.as_uuid();
    let mut tx = state.db.begin().await?;
    let name = sqlx::query_scalar!(
        "update tasks set deleted_at = now(), deleted_by = $2
          where id = $1 and deleted_at is null returning name",
        id,
        actor.user_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("The task".into()))?;
    audit::commit(
        tx,
        actor,
        Entry::new("tasks.delete")
            .entity("task", id)
            .before(serde_json::json!({ "name": name })),
    )
    .await?;
    Ok(())
}
