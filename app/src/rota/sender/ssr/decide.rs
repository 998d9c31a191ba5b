//! A manager's decision on an applicant: selected onto the published rota (and its draft),
//! not selected, or withdrawn; the carer is told.

use crate::rota::sender::api::{ApplicationStatus, Decision};
use crate::rota::{
    cover::ssr::{ShiftRow, candidates, shift_row},
    week::api::SlotAssignment,
};
use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    live::Event,
    mail::{Email, ShiftDecision, enqueue_email},
    notifications::ssr::{Notice, notify},
    state::AppState,
};
use caretrack::{
    EmailAddress,
    ids::{ShiftId, UserId},
    notification::{Channel, NotificationKind},
};
use sqlx::{PgConnection, types::Uuid};

use crate::rota::sender::ssr::send::{
    LockedShift, lock_carers, lock_shift, reject_waiting, shift_news,
};

/// Tells a carer whether they were selected: in the app and by email.
pub(in crate::rota) async fn tell_decision(
    state: &AppState,
    conn: &mut PgConnection,
    carer: Uuid,
    shift: &ShiftRow,
    selected: bool,
) -> Result<(), AppError> {
    let when = shift.when();
    let title = if selected {
        format!("You have the {when} shift at {}.", shift.package_name)
    } else {
        format!(
            "You were not selected for the {when} shift at {}.",
            shift.package_name
        )
    };
    let kind = if selected {
        NotificationKind::ShiftSelected
    } else {
        NotificationKind::ShiftDecision
    };
    let notice = Notice::new(kind, title).link("/carer/shifts");
    if !notify(conn, carer, &notice).await?.wants(Channel::Email) {
        return Ok(());
    }
    let person = sqlx::query!(
        r#"select email, person_name(id) as "name!" from users where id = $1"#,
        carer
    )
    .fetch_one(&mut *conn)
    .await?;
    if let Ok(to) = EmailAddress::parse(&person.email) {
        let email = Email::ShiftDecision(ShiftDecision {
            carer_name: person.name,
            package_name: shift.package_name.clone(),
            shift_when: when,
            selected,
            shifts_url: format!("{}/carer/shifts", state.settings.public_url),
        });
        enqueue_email(conn, &to, &email).await?;
    }
    Ok(())
}

/// Adds a carer to (or takes them off) the shift in the saved draft of its week, if
/// there is one, so the editor's next publish keeps the sender's decision.
pub(in crate::rota) async fn follow_in_draft(
    conn: &mut PgConnection,
    shift: &ShiftRow,
    carer: UserId,
    on: bool,
) -> Result<(), AppError> {
    let week = caretrack::days::week_of(shift.starts_at);
    let Some(payload) = sqlx::query_scalar!(
        "select payload from rota_drafts where package_id = $1 and week_start = $2 for update",
        shift.package,
        week
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(());
    };
    let mut slots: Vec<SlotAssignment> =
        serde_json::from_value(payload["slots"].clone()).map_err(|_| AppError::Internal)?;
    let id = ShiftId::from_uuid(shift.id);
    let Some(slot) = slots.iter_mut().find(|s| s.shift_id == id) else {
        return Ok(());
    };
    slot.carer_ids.retain(|c| *c != carer);
    if on {
        slot.carer_ids.push(carer);
    }
    sqlx::query!(
        "update rota_drafts set payload = $3, revision = revision + 1, updated_at = now()
          where package_id = $1 and week_start = $2",
        shift.package,
        week,
        serde_json::json!({ "slots": slots })
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    shift: ShiftId,
    carer: UserId,
    decision: Decision,
    reason: &str,
) -> Result<(), AppError> {
    let row = shift_row(&state.db, shift.into_uuid()).await?;
    let mut tx = state.db.begin().await?;
    // One decision about a carer at a time, here and in publishing: the engine's verdict
    // below cannot be overtaken by another placement of the same carer.
    lock_carers(&mut tx, &[carer.into_uuid()]).await?;
    let locked = lock_shift(&mut tx, row.id).await?;
    let check = if decision == Decision::Select {
        candidates(state, actor, &row, false, &[carer.into_uuid()])
            .await?
            .into_iter()
            .find(|(c, _)| c.id == carer)
    } else {
        None
    };
    let status = sqlx::query_scalar!(
        r#"select status::text as "status!" from shift_applications
            where shift_id = $1 and carer_id = $2 for update"#,
        row.id,
        carer.into_uuid()
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|s| ApplicationStatus::from_db(&s))
    .ok_or_else(|| AppError::NotFound("That application".into()))?;
    let name = sqlx::query_scalar!(r#"select person_name($1) as "n!""#, carer.into_uuid())
        .fetch_one(&mut *tx)
        .await?;
    match decision {
        Decision::Select => {
            let LockedShift {
                filled, headcount, ..
            } = locked;
            if !locked.open || locked.started {
                return Err(AppError::Conflict(
                    "This shift is no longer out to carers.".into(),
                ));
            }
            if status != ApplicationStatus::Interested {
                return Err(AppError::Conflict(format!(
                    "{name}'s application has been decided already."
                )));
            }
            if filled >= i64::from(headcount) {
                return Err(AppError::Conflict(
                    "This shift already has all the carers it needs.".into(),
                ));
            }
            let Some((_, candidate)) = check else {
                return Err(AppError::validation(
                    "carer",
                    format!("{name} can no longer be placed on shifts."),
                ));
            };
            if let Some(blocking) = candidate.violations.iter().find(|v| v.blocks_publishing()) {
                return Err(AppError::validation(
                    "carer",
                    format!("Selecting {name} would break a rule: {}", blocking.message),
                ));
            }
            let reason = caretrack::conduct::long_text(reason, "reason")?;
            if !candidate.violations.is_empty() && reason.is_empty() {
                return Err(AppError::validation(
                    "reason",
                    format!(
                        "Give a reason to accept: {}",
                        candidate
                            .violations
                            .iter()
                            .map(|v| v.message.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                ));
            }
            let entry = sqlx::query_scalar!(
                "insert into rota_entries (shift_id, carer_id, published_by) values ($1, $2, $3) returning id",
                row.id,
                carer.into_uuid(),
                actor.user_id
            )
            .fetch_one(&mut *tx)
            .await?;
            for violation in &candidate.violations {
                sqlx::query!(
                    "insert into rota_rule_overrides (rota_entry_id, rule_id, reason, details, overridden_by)
                     values ($1, $2, $3, $4, $5) on conflict (rota_entry_id, rule_id) do nothing",
                    entry,
                    violation.rule.as_str(),
                    reason,
                    serde_json::json!({ "message": violation.message, "details": violation.details }),
                    actor.user_id
                )
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query!(
                "update shift_applications set status = 'SELECTED', decided_at = now(), decided_by = $3, rule_check = $4
                  where shift_id = $1 and carer_id = $2",
                row.id,
                carer.into_uuid(),
                actor.user_id,
                serde_json::json!({ "violations": candidate.violations, "reasons": candidate.reasons })
            )
            .execute(&mut *tx)
            .await?;
            follow_in_draft(&mut tx, &row, carer, true).await?;
            tell_decision(state, &mut tx, carer.into_uuid(), &row, true).await?;
            let now_full = filled + 1 >= i64::from(headcount);
            let rejected = if now_full {
                sqlx::query!("update shifts set status = 'FILLED' where id = $1", row.id)
                    .execute(&mut *tx)
                    .await?;
                reject_waiting(state, &mut tx, actor, &row).await?
            } else {
                0
            };
            audit::record(
                &mut tx,
                actor,
                Entry::new("shift.select")
                    .entity("shift", row.id)
                    .after(serde_json::json!({
                        "carer_id": carer, "when": row.when(), "violations": candidate.violations,
                        "reason": reason, "filled": now_full, "rejected": rejected,
                    })),
            )
            .await?;
        }
        Decision::Reject => {
            if !locked.open {
                return Err(AppError::Conflict(
                    "This shift is no longer out to carers.".into(),
                ));
            }
            if status != ApplicationStatus::Interested {
                return Err(AppError::Conflict(format!(
                    "{name}'s application has been decided already."
                )));
            }
            sqlx::query!(
                "update shift_applications set status = 'REJECTED', decided_at = now(), decided_by = $3
                  where shift_id = $1 and carer_id = $2",
                row.id,
                carer.into_uuid(),
                actor.user_id
            )
            .execute(&mut *tx)
            .await?;
            tell_decision(state, &mut tx, carer.into_uuid(), &row, false).await?;
            audit::record(
                &mut tx,
                actor,
                Entry::new("shift.reject")
                    .entity("shift", row.id)
                    .after(serde_json::json!({ "carer_id": carer, "when": row.when() })),
            )
            .await?;
        }
        Decision::Withdraw => {
            if locked.started {
                return Err(AppError::Conflict(
                    "This shift has started: change who worked it on the rota.".into(),
                ));
            }
            if !matches!(
                status,
                ApplicationStatus::Interested | ApplicationStatus::Selected
            ) {
                return Err(AppError::Conflict(format!(
                    "{name}'s application is closed already."
                )));
            }
            sqlx::query!(
                "update shift_applications set status = 'WITHDRAWN', decided_at = now(), decided_by = $3, withdrawn_by = $3
                  where shift_id = $1 and carer_id = $2",
                row.id,
                carer.into_uuid(),
                actor.user_id
            )
            .execute(&mut *tx)
            .await?;
            if status == ApplicationStatus::Selected {
                sqlx::query!(
                    "delete from rota_entries where shift_id = $1 and carer_id = $2",
                    row.id,
                    carer.into_uuid()
                )
                .execute(&mut *tx)
                .await?;
                // A place has come free: the shift is out to carers again.
                sqlx::query!(
                    "update shifts set status = 'OPEN' where id = $1 and status = 'FILLED'",
                    row.id
                )
                .execute(&mut *tx)
                .await?;
                follow_in_draft(&mut tx, &row, carer, false).await?;
            }
            let notice = Notice::new(
                NotificationKind::ShiftDecision,
                format!(
                    "A manager withdrew your interest in the {} shift at {}.",
                    row.when(),
                    row.package_name
                ),
            )
            .link("/carer/shifts");
            notify(&mut tx, carer.into_uuid(), &notice).await?;
            audit::record(
                &mut tx,
                actor,
                Entry::new("shift.withdraw")
                    .entity("shift", row.id)
                    .after(serde_json::json!({
                        "carer_id": carer, "when": row.when(), "was": status,
                    })),
            )
            .await?;
        }
    }
    tx.commit().await?;
    let event = match decision {
        Decision::Select => Event::ShiftAssigned {
            shift_id: shift,
            carer_id: carer,
        },
        _ => Event::ShiftChanged { shift_id: shift },
    };
    shift_news(event, Some(carer));
    Ok(())
}
