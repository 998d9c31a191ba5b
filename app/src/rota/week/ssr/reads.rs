//! What the editor reads of a week: the published and draft assignments of its slots,
//! the panel of carers, the package's name.

use crate::error::AppError;
use crate::rota::week::api::{PanelCarer, Slot, SlotAssignment};
use caretrack::ids::UserId;
use sqlx::{PgConnection, PgPool, types::Uuid};
use time::Date;

/// What is published for the week's slots.
pub(in crate::rota) async fn published(
    db: &PgPool,
    slots: &[Slot],
) -> Result<Vec<SlotAssignment>, AppError> {
    let ids: Vec<Uuid> = slots.iter().map(|s| s.shift_id.into_uuid()).collect();
    let rows = sqlx::query!(
        "select shift_id, carer_id from rota_entries where shift_id = any($1) order by published_at, carer_id",
        &ids
    )
    .fetch_all(db)
    .await?;
    Ok(slots
        .iter()
        .map(|slot| SlotAssignment {
            shift_id: slot.shift_id,
            carer_ids: rows
                .iter()
                .filter(|r| r.shift_id == slot.shift_id.into_uuid())
                .map(|r| UserId::from_uuid(r.carer_id))
                .collect(),
        })
        .collect())
}

/// The saved draft of the week, if any: its revision and assignments.
pub(in crate::rota) async fn draft(
    conn: &mut PgConnection,
    package: Uuid,
    week: Date,
    lock: bool,
) -> Result<Option<(i64, Vec<SlotAssignment>)>, AppError> {
    let row = if lock {
        sqlx::query!(
            "select revision, payload from rota_drafts where package_id = $1 and week_start = $2 for update",
            package,
            week
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| (r.revision, r.payload))
    } else {
        sqlx::query!(
            "select revision, payload from rota_drafts where package_id = $1 and week_start = $2",
            package,
            week
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| (r.revision, r.payload))
    };
    row.map(|(revision, payload)| {
        serde_json::from_value(payload["slots"].clone())
            .map(|slots| (revision, slots))
            .map_err(|_| AppError::Internal)
    })
    .transpose()
}

/// The package's team, anyone else already on one of the week's slots, and `also`.
pub(in crate::rota) async fn panel(
    db: &PgPool,
    package: Uuid,
    assignments: &[SlotAssignment],
    also: &[Uuid],
) -> Result<Vec<PanelCarer>, AppError> {
    let on_slots: Vec<Uuid> = assignments
        .iter()
        .flat_map(|a| a.carer_ids.iter().map(|c| c.into_uuid()))
        .chain(also.iter().copied())
        .collect();
    let rows = sqlx::query!(
        r#"select u.id, person_name(u.id) as "name!",
                  exists (select 1 from carer_packages cp where cp.carer_id = u.id and cp.package_id = $1) as "on_team!",
                  not exists (
                      select 1 from package_tasks pt join tasks t on t.id = pt.task_id and t.deleted_at is null
                       where pt.package_id = $1
                         and not exists (select 1 from competency_ratings r
                                          where r.carer_id = u.id and r.task_id = pt.task_id
                                            and r.effective_level >= 'COMPETENT')
                  ) as "competent!"
             from users u
            where u.role = 'CARER' and u.is_active and u.deleted_at is null
              and (u.id in (select carer_id from carer_packages where package_id = $1) or u.id = any($2))
            order by 2"#,
        package,
        &on_slots
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PanelCarer {
            id: UserId::from_uuid(r.id),
            name: r.name,
            on_team: r.on_team,
            competent: r.competent,
        })
        .collect())
}

pub(in crate::rota) fn panel_ids(carers: &[PanelCarer]) -> Vec<UserId> {
    carers.iter().map(|c| c.id).collect()
}

pub(in crate::rota) async fn package_name(db: &PgPool, package: Uuid) -> Result<String, AppError> {
    sqlx::query_scalar!(
        "select name from care_packages where id = $1 and deleted_at is null",
        package
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::NotFound("That care package".into()))
}
