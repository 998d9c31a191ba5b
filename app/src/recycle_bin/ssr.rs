//! Listing, restoring and purging deleted care packages and tasks. Records stay in the
//! bin for `organisation_settings.recycle_bin_days` (30 by default) before the daily
//! sweep purges them. Purging a package keeps carers' practice history (the completions
//! lose their package); purging a task removes everyone's progress on it, so the sweep
//! leaves tasks with practice or ratings recorded for a manager to decide.

use super::api::{BinCounts, BinItem, BinKind, BinPage, PAGE_SIZE};
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::london;
use sqlx::{PgConnection, types::Uuid};

fn ids(raw: &[String]) -> Result<Vec<Uuid>, AppError> {
    raw.iter()
        .map(|id| {
            id.parse()
                .map_err(|_| AppError::NotFound("That record".into()))
        })
        .collect()
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

pub async fn counts(state: &AppState) -> Result<BinCounts, AppError> {
    let row = sqlx::query!(
        r#"select (select count(*) from care_packages where deleted_at is not null) as "packages!",
                  (select count(*) from tasks where deleted_at is not null) as "tasks!",
                  (select recycle_bin_days from organisation_settings) as "keep_days!""#
    )
    .fetch_one(&state.db)
    .await?;
    Ok(BinCounts {
        care_packages: row.packages,
        tasks: row.tasks,
        keep_days: row.keep_days,
    })
}

pub async fn list(state: &AppState, kind: BinKind, page: i64) -> Result<BinPage, AppError> {
    let page = page.max(1);
    let offset = (page - 1) * PAGE_SIZE;
    let (items, total) = match kind {
        BinKind::CarePackage => {
            let rows = sqlx::query!(
                r#"select p.id, p.name, p.deleted_at as "deleted_at!",
                          p.deleted_at + make_interval(days => s.recycle_bin_days) as "purge_at!",
                          coalesce(pr.first_name || ' ' || pr.last_name, u.email, 'CareTrack') as "deleted_by!",
                          (select count(*) from package_tasks where package_id = p.id) as "tasks!",
                          (select count(*) from carer_packages where package_id = p.id) as "carers!",
                          count(*) over () as "total!"
                     from care_packages p cross join organisation_settings s
                     left join users u on u.id = p.deleted_by
                     left join user_profiles pr on pr.user_id = p.deleted_by
                    where p.deleted_at is not null
                    order by p.deleted_at desc, p.id
                    limit $1 offset $2"#,
                PAGE_SIZE,
                offset
            )
            .fetch_all(&state.db)
            .await?;
            let total = rows.first().map_or(0, |r| r.total);
            let items = rows
                .into_iter()
                .map(|r| BinItem {
                    id: r.id.to_string(),
                    name: r.name,
                    deleted: london::format_datetime(r.deleted_at),
                    deleted_by: r.deleted_by,
                    purge_on: london::format_date(london::business_day(r.purge_at)),
                    impact: format!(
                        "{} and {} come back with it",
                        plural(r.tasks, "task", "tasks"),
                        plural(r.carers, "carer's placement", "carers' placements")
                    ),
                })
                .collect();
            (items, total)
        }
        BinKind::Task => {
            let rows = sqlx::query!(
                r#"select t.id, t.name, t.deleted_at as "deleted_at!",
                          t.deleted_at + make_interval(days => s.recycle_bin_days) as "purge_at!",
                          coalesce(pr.first_name || ' ' || pr.last_name, u.email, 'CareTrack') as "deleted_by!",
                          (select count(*) from package_tasks where task_id = t.id) as "packages!",
                          (select count(*) from task_progress where task_id = t.id and completed_count > 0) as "carers!",
                          count(*) over () as "total!"
                     from tasks t cross join organisation_settings s
                     left join users u on u.id = t.deleted_by
                     left join user_profiles pr on pr.user_id = t.deleted_by
                    where t.deleted_at is not null
                    order by t.deleted_at desc, t.id
                    limit $1 offset $2"#,
                PAGE_SIZE,
                offset
            )
            .fetch_all(&state.db)
            .await?;
            let total = rows.first().map_or(0, |r| r.total);
            let items = rows
                .into_iter()
                .map(|r| BinItem {
                    id: r.id.to_string(),
                    name: r.name,
                    deleted: london::format_datetime(r.deleted_at),
                    deleted_by: r.deleted_by,
                    purge_on: london::format_date(london::business_day(r.purge_at)),
                    impact: format!(
                        "Returns to {}; {} progress on it (a purge deletes that practice record)",
                        plural(r.packages, "package", "packages"),
                        plural(r.carers, "carer has", "carers have")
                    ),
                })
                .collect();
            (items, total)
        }
    };
    Ok(BinPage {
        kind,
        items,
        total,
        page,
        page_size: PAGE_SIZE,
    })
}

/// Brings records back as they were (their assignments were kept). A task whose name a
/// live task has taken meanwhile cannot come back until one of them is renamed.
pub async fn restore(
    state: &AppState,
    actor: &Actor,
    kind: BinKind,
    raw: &[String],
) -> Result<usize, AppError> {
    let ids = ids(raw)?;
    let mut tx = state.db.begin().await?;
    let restored: Vec<(Uuid, String)> = match kind {
        BinKind::CarePackage => sqlx::query!(
            "update care_packages set deleted_at = null, deleted_by = null
              where id = any($1) and deleted_at is not null returning id, name",
            &ids
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect(),
        BinKind::Task => sqlx::query!(
            "update tasks set deleted_at = null, deleted_by = null
              where id = any($1) and deleted_at is not null returning id, name",
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
        })?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect(),
    };
    record(&mut tx, actor, "recycle_bin.restore", kind, &restored).await?;
    tx.commit().await?;
    Ok(restored.len())
}

/// Deletes records for good. Only records already in the bin can be purged.
pub async fn purge(
    state: &AppState,
    actor: &Actor,
    kind: BinKind,
    raw: &[String],
) -> Result<usize, AppError> {
    let ids = ids(raw)?;
    let mut tx = state.db.begin().await?;
    let purged = purge_in(&mut tx, kind, &ids).await?;
    record(&mut tx, actor, "recycle_bin.purge", kind, &purged).await?;
    tx.commit().await?;
    Ok(purged.len())
}

async fn purge_in(
    conn: &mut PgConnection,
    kind: BinKind,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String)>, AppError> {
    Ok(match kind {
        BinKind::CarePackage => sqlx::query!(
            "delete from care_packages where id = any($1) and deleted_at is not null
             returning id, name",
            ids
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect(),
        BinKind::Task => sqlx::query!(
            "delete from tasks where id = any($1) and deleted_at is not null returning id, name",
            ids
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect(),
    })
}

async fn record(
    conn: &mut PgConnection,
    actor: &Actor,
    action: &str,
    kind: BinKind,
    records: &[(Uuid, String)],
) -> Result<(), AppError> {
    let entity = match kind {
        BinKind::CarePackage => "care_package",
        BinKind::Task => "task",
    };
    for (id, name) in records {
        audit::record(
            conn,
            actor,
            Entry::new(action)
                .entity(entity, id)
                .after(serde_json::json!({ "name": name })),
        )
        .await?;
    }
    Ok(())
}

/// The daily sweep: purges packages and tasks that have been in the bin longer than the
/// organisation keeps them, each in its own transaction so one that cannot go (something
/// still refers to it) does not hold back the rest. Tasks with practice or ratings
/// recorded are kept as training evidence until a manager purges them by hand. Returns
/// how many of each went.
pub async fn purge_expired(state: &AppState) -> Result<(usize, usize), AppError> {
    let packages: Vec<Uuid> = sqlx::query_scalar!(
        "select p.id from care_packages p, organisation_settings s
          where p.deleted_at < now() - make_interval(days => s.recycle_bin_days)"
    )
    .fetch_all(&state.db)
    .await?;
    let tasks: Vec<Uuid> = sqlx::query_scalar!(
        "select t.id from tasks t, organisation_settings s
          where t.deleted_at < now() - make_interval(days => s.recycle_bin_days)
            and not exists (select 1 from task_completions c where c.task_id = t.id)
            and not exists (select 1 from competency_ratings r where r.task_id = t.id)"
    )
    .fetch_all(&state.db)
    .await?;
    let system = Actor::default();
    let mut purged = (0, 0);
    for (kind, ids) in [(BinKind::CarePackage, packages), (BinKind::Task, tasks)] {
        for id in ids {
            let result = async {
                let mut tx = state.db.begin().await?;
                let gone = purge_in(&mut tx, kind, &[id]).await?;
                record(&mut tx, &system, "recycle_bin.purge", kind, &gone).await?;
                tx.commit().await?;
                Ok::<usize, AppError>(gone.len())
            }
            .await;
            match (result, kind) {
                (Ok(n), BinKind::CarePackage) => purged.0 += n,
                (Ok(n), BinKind::Task) => purged.1 += n,
                (Err(err), _) => {
                    tracing::warn!(record = %id, error = %err, "could not purge from the recycle bin")
                }
            }
        }
    }
    Ok(purged)
}
