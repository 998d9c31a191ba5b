//! Restoring deleted items (a template takes its tasks back, or is refused by name).

use crate::recycle_bin::api::BinKind;
use crate::{audit::Actor, error::AppError, state::AppState};
use sqlx::{PgConnection, types::Uuid};

use {crate::recycle_bin::ssr::list::ids, crate::recycle_bin::ssr::purge::record};

/// Brings records back as they were (their assignments were kept). A task whose name a
/// live task has taken meanwhile cannot come back until one of them is renamed. People
/// come back as they were (active or not) and sign in again.
#[tracing::instrument(skip_all)]
pub async fn restore(
    state: &AppState,
    actor: &Actor,
    kind: BinKind,
    raw: &[String],
) -> Result<usize, AppError> {
    let ids = ids(raw)?;
    let mut tx = state.db.begin().await?;
    let restored: Vec<Uuid> = match kind {
        BinKind::CarePackage => {
            sqlx::query_scalar!(
            "update care_packages set deleted_at = null, deleted_by = null, purge_warned_at = null
              where id = any($1) and deleted_at is not null returning id",
            &ids
        )
            .fetch_all(&mut *tx)
            .await?
        }
        BinKind::Task => sqlx::query_scalar!(
            "update tasks set deleted_at = null, deleted_by = null, purge_warned_at = null
              where id = any($1) and deleted_at is not null returning id",
            &ids
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(|err| match &err {
            sqlx::Error::Database(db) if db.constraint() == Some("tasks_live_name_key") => {
                AppError::Conflict(
                    "A task with the same name exists now. Rename one of them first.".into(),
                )
            }
            _ => err.into(),
        })?,
        BinKind::AssessmentTemplate => restore_templates(&mut tx, &ids).await?,
        BinKind::Carer | BinKind::OfficeStaff => {
            sqlx::query_scalar!(
                "update users set deleted_at = null, deleted_by = null, purge_warned_at = null
              where id = any($1) and deleted_at is not null and anonymised_at is null
                and (role = 'CARER') = $2
              returning id",
                &ids,
                kind == BinKind::Carer
            )
            .fetch_all(&mut *tx)
            .await?
        }
    };
    record(&mut tx, actor, "recycle_bin.restore", kind, &restored).await?;
    tx.commit().await?;
    Ok(restored.len())
}

/// Templates come back covering the tasks their current version lists, unless another
/// template covers one of them now: then nothing is restored and the task is named.
#[tracing::instrument(skip_all)]
pub(super) async fn restore_templates(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> Result<Vec<Uuid>, AppError> {
    if let Some(taken) = sqlx::query!(
        r#"select k.name as task, v.title
             from assessment_templates t
             join assessment_template_versions v
               on v.template_id = t.id and v.version = t.current_version
             join assessment_template_tasks tt on tt.task_id = any(v.covered_task_ids)
             join tasks k on k.id = tt.task_id
            where t.id = any($1) and t.deleted_at is not null
            limit 1"#,
        ids
    )
    .fetch_optional(&mut *conn)
    .await?
    {
        return Err(AppError::Conflict(format!(
            "{} is covered by another template now, so \"{}\" cannot come back as it was. Take the task out of the other template first.",
            taken.task, taken.title
        )));
    }
    let restored = sqlx::query_scalar!(
        "update assessment_templates set deleted_at = null, deleted_by = null, purge_warned_at = null
          where id = any($1) and deleted_at is not null returning id",
        ids
    )
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into assessment_template_tasks (template_id, task_id)
         select t.id, unnest(v.covered_task_ids)
           from assessment_templates t
           join assessment_template_versions v
             on v.template_id = t.id and v.version = t.current_version
          where t.id = any($1)
         on conflict (template_id, task_id) do nothing",
        &restored
    )
    .execute(&mut *conn)
    .await
    .map_err(crate::assessments::templates::ssr::task_taken)?;
    Ok(restored)
}
