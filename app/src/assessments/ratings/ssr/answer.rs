//! The carer's confirmation or dispute, and what every change of a rating shares: its
//! history row, the note, the competency-changed event.

use crate::{
    audit::{self, Actor, Entry},
    auth::CurrentUser,
    error::AppError,
    live::{Event, bus},
    mail::{DisputeRaised, Email, enqueue_email},
    notifications::ssr::{Notice, notify},
    state::AppState,
};
use caretrack::{
    CompetencyLevel, EmailAddress, RatingState, ValidationError,
    notification::{Channel, NotificationKind},
    rating::RatingAction,
};
use sqlx::{PgConnection, types::Uuid};

/// Confirms or disputes one of the carer's own pending ratings, by the id they saw: a
/// rating issued since has a new id, so what the carer did not see is never confirmed.
#[tracing::instrument(skip_all)]
pub async fn answer(
    state: &AppState,
    user: &CurrentUser,
    actor: &Actor,
    rating: Uuid,
    action: RatingAction,
    reason: &str,
) -> Result<(), AppError> {
    if !action.by_carer() {
        return Err(AppError::Forbidden);
    }
    let reason = if action == RatingAction::Dispute {
        note(reason, "Say why you disagree with this rating")?
    } else {
        String::new()
    };
    let mut tx = state.db.begin().await?;
    let current = sqlx::query!(
        r#"select r.task_id, r.level::text as "level!", r.state::text as "state!", k.name as task
             from competency_ratings r join tasks k on k.id = r.task_id
            where r.id = $1 and r.carer_id = $2
            for update of r"#,
        rating,
        user.user_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::NotFound("That rating (a newer one may have replaced it; reload)".into())
    })?;
    let from: RatingState = current.state.parse().map_err(|_| AppError::Internal)?;
    let to = action
        .apply(from)
        .map_err(|err| AppError::Conflict(err.to_string()))?;
    sqlx::query!(
        "update competency_ratings
            set state = $2::text::rating_state,
                effective_level = case when $3 then level else effective_level end,
                confirmed_at = case when $3 then now() else confirmed_at end,
                disputed_at = case when $2 = 'DISPUTED' then now() else disputed_at end,
                dispute_reason = case when $2 = 'DISPUTED' then $4 else dispute_reason end
          where id = $1",
        rating,
        to.as_str(),
        action.makes_effective(),
        reason
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into competency_rating_history
             (carer_id, task_id, level, state, source, assessment_id, reason, changed_by)
         select carer_id, task_id, level, state, source, assessment_id, nullif($2, ''), $3
           from competency_ratings where id = $1",
        rating,
        reason,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    let level: CompetencyLevel = current.level.parse().map_err(|_| AppError::Internal)?;
    if action == RatingAction::Dispute {
        tell_managers_of_dispute(state, &mut tx, user.user_id, &current.task, level, &reason)
            .await?;
    }
    let carer: caretrack::ids::UserId = user.user_id.into();
    let event = match action {
        RatingAction::Dispute => Event::RatingDisputed { carer_id: carer },
        _ => Event::RatingConfirmed { carer_id: carer },
    };
    bus::emit_to(bus::carer_and_office(carer), &event);
    if action.makes_effective() {
        competency_changed(carer, current.task_id);
    }
    audit::commit(
        tx,
        actor,
        Entry::new(match action {
            RatingAction::Confirm => "ratings.confirm",
            _ => "ratings.dispute",
        })
        .entity("competency_rating", rating)
        .before(serde_json::json!({ "state": from, "level": level }))
        .after(serde_json::json!({ "state": to, "task_id": current.task_id })),
    )
    .await?;
    Ok(())
}

/// A carer's effective level on a task changed: their pages and the office's refetch.
pub(in crate::assessments) fn competency_changed(carer: caretrack::ids::UserId, task: Uuid) {
    bus::emit_to(
        bus::carer_and_office(carer),
        &Event::CompetencyChanged {
            carer_id: carer,
            task_id: task.into(),
        },
    );
}

pub(in crate::assessments) async fn tell_managers_of_dispute(
    state: &AppState,
    tx: &mut PgConnection,
    carer: Uuid,
    task: &str,
    level: CompetencyLevel,
    reason: &str,
) -> Result<(), AppError> {
    let managers = sqlx::query!(
        r#"select id, email, person_name(id) as "name!", person_name($1) as "carer!"
             from users where role = 'ADMIN' and is_active and deleted_at is null"#,
        carer
    )
    .fetch_all(&mut *tx)
    .await?;
    for manager in managers {
        let notice = Notice::new(
            NotificationKind::RatingDisputed,
            format!("{} disputes their {task} rating", manager.carer),
        )
        .link("/admin/progress/confirmations")
        .data(serde_json::json!({ "carer_id": carer.to_string() }));
        if !notify(tx, manager.id, &notice).await?.wants(Channel::Email) {
            continue;
        }
        if let Ok(to) = EmailAddress::parse(&manager.email) {
            let email = Email::DisputeRaised(DisputeRaised {
                admin_name: manager.name,
                carer_name: manager.carer,
                task_name: task.to_owned(),
                level: level.label().to_owned(),
                reason: reason.to_owned(),
                review_url: format!("{}/admin/progress/confirmations", state.settings.public_url),
            });
            enqueue_email(tx, &to, &email).await?;
        }
    }
    Ok(())
}

pub(in crate::assessments) fn note(text: &str, empty: &str) -> Result<String, ValidationError> {
    let text = caretrack::conduct::long_text(text, "reason")?;
    if text.is_empty() {
        return Err(ValidationError::new("reason", empty));
    }
    Ok(text)
}

/// Appends the rating's state as it is now to its history.
pub(in crate::assessments) async fn record_history(
    tx: &mut PgConnection,
    rating: Uuid,
    reason: Option<&str>,
    by: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into competency_rating_history
             (carer_id, task_id, level, state, source, assessment_id, reason, changed_by)
         select carer_id, task_id, level, state, source, assessment_id, $2, $3
           from competency_ratings where id = $1",
        rating,
        reason,
        by
    )
    .execute(tx)
    .await?;
    Ok(())
}
