//! A carer confirms interest in a shift sent out to them (eligibility from confirmed ratings).

use crate::rota::cover::ssr::shift_row;
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    live::{Event, Room, bus},
    notifications::ssr::{Notice, notify},
    state::AppState,
};
use caretrack::{Role, ids::ShiftId, notification::NotificationKind};

#[tracing::instrument(skip_all)]
pub async fn apply(state: &AppState, actor: &Actor, shift: ShiftId) -> Result<(), AppError> {
    let carer = actor.user_id.ok_or(AppError::Unauthenticated)?;
    let row = shift_row(&state.db, shift.into_uuid()).await?;
    let mut tx = state.db.begin().await?;
    let opener = sqlx::query_scalar!(
        r#"select s.published_by from shifts s
            where s.id = $1 and s.status = 'OPEN' and s.starts_at > now() and shift_open_to(s.id, $2)
            for update"#,
        row.id,
        carer
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::Conflict("This shift is no longer open to you.".into()))?;
    // Not selected last time, and the shift has been sent out again since: a new try.
    let added = sqlx::query!(
        "insert into shift_applications (shift_id, carer_id) values ($1, $2)
         on conflict (shift_id, carer_id) do update
            set status = 'INTERESTED', applied_at = now(), decided_at = null, decided_by = null,
                rule_check = null
          where shift_applications.status = 'REJECTED'
            and shift_applications.decided_at < (select published_at from shifts where id = $1)",
        row.id,
        carer
    )
    .execute(&mut *tx)
    .await?;
    if added.rows_affected() == 0 {
        return Err(AppError::Conflict(
            "You have already confirmed interest in this shift.".into(),
        ));
    }
    if let Some(manager) = opener {
        let name = sqlx::query_scalar!(r#"select person_name($1) as "n!""#, carer)
            .fetch_one(&mut *tx)
            .await?;
        let notice = Notice::new(
            NotificationKind::ShiftInterest,
            format!(
                "{name} would like the {} shift at {}.",
                row.when(),
                row.package_name
            ),
        )
        .link("/admin/shifts");
        notify(&mut tx, manager, &notice).await?;
    }
    audit::commit(
        tx,
        actor,
        Entry::new("shift.interest")
            .entity("shift", row.id)
            .after(serde_json::json!({ "when": row.when() })),
    )
    .await?;
    bus::emit_to(
        [Room::Role(Role::Admin), Room::User(carer.into())],
        &Event::ShiftChanged { shift_id: shift },
    );
    Ok(())
}
