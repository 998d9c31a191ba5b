//! Sending a shift out to carers and closing it; the row locks every change of a sent-out
//! shift takes first.

use crate::rota::cover::ssr::{ShiftRow, shift_row};
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    live::{Event, Room, bus},
    state::AppState,
};
use caretrack::{
    Role,
    ids::{ShiftId, UserId},
};
use sqlx::{PgConnection, types::Uuid};
use time::OffsetDateTime;

use crate::rota::sender::ssr::decide::tell_decision;

#[tracing::instrument(skip_all)]
pub async fn open(
    state: &AppState,
    actor: &Actor,
    shift: ShiftId,
    competent_only: bool,
    note: &str,
) -> Result<(), AppError> {
    let row = shift_row(&state.db, shift.into_uuid()).await?;
    if row.starts_at <= OffsetDateTime::now_utc() {
        return Err(AppError::validation(
            "shift",
            "This shift has started, so it cannot be sent out.",
        ));
    }
    let note = caretrack::conduct::long_text(note, "note")?;
    let mut tx = state.db.begin().await?;
    let full = sqlx::query_scalar!(
        r#"select (select count(*) from rota_entries e where e.shift_id = s.id) >= s.headcount as "full!"
             from shifts s where s.id = $1 for update"#,
        row.id
    )
    .fetch_one(&mut *tx)
    .await?;
    if full {
        return Err(AppError::validation(
            "shift",
            "This shift already has all the carers it needs.",
        ));
    }
    sqlx::query!(
        "delete from shift_required_tasks where shift_id = $1",
        row.id
    )
    .execute(&mut *tx)
    .await?;
    if competent_only {
        let required = sqlx::query!(
            "insert into shift_required_tasks (shift_id, task_id)
             select $1, pt.task_id from package_tasks pt
               join tasks t on t.id = pt.task_id and t.deleted_at is null
              where pt.package_id = $2",
            row.id,
            row.package
        )
        .execute(&mut *tx)
        .await?;
        if required.rows_affected() == 0 {
            return Err(AppError::validation(
                "competent_only",
                "This package has no tasks, so there is nothing to be competent in: send the shift to every carer.",
            ));
        }
    }
    sqlx::query!(
        "update shifts set status = 'OPEN', published_at = now(), published_by = $2, notes = $3
          where id = $1",
        row.id,
        actor.user_id,
        (!note.is_empty()).then_some(&note)
    )
    .execute(&mut *tx)
    .await?;
    let entry = Entry::new("shift.open")
        .entity("shift", row.id)
        .after(serde_json::json!({
            "package_id": row.package,
            "when": row.when(),
            "competent_only": competent_only,
            "note": note,
        }));
    audit::commit(tx, actor, entry).await?;
    shift_news(Event::ShiftPublished { shift_id: shift }, None);
    Ok(())
}

/// Who hears of a change to a sent-out shift: every carer (their list of shifts on
/// offer is worked out when they refetch), the office, and the carer it concerns.
pub(in crate::rota) fn shift_news(event: Event, carer: Option<UserId>) {
    bus::emit_to(
        [Room::Role(Role::Carer), Room::Role(Role::Admin)]
            .into_iter()
            .chain(carer.map(Room::User)),
        &event,
    );
}

/// Takes transaction-long locks on carers (in a fixed order): a placement of a carer
/// is decided by one transaction at a time.
pub(in crate::rota) async fn lock_carers(
    conn: &mut PgConnection,
    carers: &[Uuid],
) -> Result<(), AppError> {
    let mut carers = carers.to_vec();
    carers.sort_unstable();
    carers.dedup();
    for carer in carers {
        sqlx::query!(
            "select pg_advisory_xact_lock(hashtextextended('carer:' || $1::uuid::text, 0))",
            carer
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Rejects every waiting application of a shift (locked by the caller), telling each
/// carer. Answers how many.
pub(in crate::rota) async fn reject_waiting(
    state: &AppState,
    conn: &mut PgConnection,
    actor: &Actor,
    shift: &ShiftRow,
) -> Result<u32, AppError> {
    let rejected = sqlx::query_scalar!(
        "update shift_applications set status = 'REJECTED', decided_at = now(), decided_by = $2
          where shift_id = $1 and status = 'INTERESTED'
          returning carer_id",
        shift.id,
        actor.user_id
    )
    .fetch_all(&mut *conn)
    .await?;
    for carer in &rejected {
        tell_decision(state, conn, *carer, shift, false).await?;
    }
    Ok(rejected.len() as u32)
}

#[tracing::instrument(skip_all)]
pub async fn close(state: &AppState, actor: &Actor, shift: ShiftId) -> Result<u32, AppError> {
    let row = shift_row(&state.db, shift.into_uuid()).await?;
    let mut tx = state.db.begin().await?;
    lock_open(&mut tx, row.id).await?;
    let rejected = reject_waiting(state, &mut tx, actor, &row).await?;
    sqlx::query!(
        "update shifts set status = case when exists (select 1 from rota_entries e where e.shift_id = $1)
                                         then 'FILLED'::shift_status else 'DRAFT'::shift_status end
          where id = $1",
        row.id
    )
    .execute(&mut *tx)
    .await?;
    audit::commit(
        tx,
        actor,
        Entry::new("shift.close")
            .entity("shift", row.id)
            .after(serde_json::json!({ "when": row.when(), "rejected": rejected })),
    )
    .await?;
    shift_news(Event::ShiftChanged { shift_id: shift }, None);
    Ok(rejected)
}

/// A shift's state, read under a row lock (always taken before any application row
/// of it, so decisions and closing cannot deadlock).
pub(super) struct LockedShift {
    pub(super) open: bool,
    pub(super) started: bool,
    pub(super) filled: i64,
    pub(super) headcount: i32,
}

pub(in crate::rota) async fn lock_shift(
    conn: &mut PgConnection,
    shift: Uuid,
) -> Result<LockedShift, AppError> {
    let row = sqlx::query!(
        r#"select s.status = 'OPEN' as "open!", s.starts_at <= now() as "started!", s.headcount,
                  (select count(*) from rota_entries e where e.shift_id = s.id) as "filled!"
             from shifts s where s.id = $1 for update"#,
        shift
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(LockedShift {
        open: row.open,
        started: row.started,
        filled: row.filled,
        headcount: row.headcount,
    })
}

/// Locks a shift that is out to carers and has not started; refuses any other.
pub(in crate::rota) async fn lock_open(
    conn: &mut PgConnection,
    shift: Uuid,
) -> Result<LockedShift, AppError> {
    let locked = lock_shift(conn, shift).await?;
    if !locked.open || locked.started {
        return Err(AppError::Conflict(
            "This shift is no longer out to carers.".into(),
        ));
    }
    Ok(locked)
}
