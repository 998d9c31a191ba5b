//! A manager resolves a dispute: confirmed as issued, amended, or sent for reassessment.

use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    live::{Event, bus},
    mail::{Email, RatingPendingConfirmation, enqueue_email},
    notifications::ssr::{Notice, notify},
    state::AppState,
};
use caretrack::{
    CompetencyLevel, EmailAddress, RatingState, ValidationError,
    notification::{Channel, NotificationKind},
    rating::RatingAction,
};
use sqlx::{PgConnection, types::Uuid};

use crate::assessments::ratings::ssr::answer::{competency_changed, note, record_history};

/// A care manager resolves a disputed rating: upholds it (it stands, and counts),
/// amends its level (a new rating, pending the carer's confirmation again), or orders a
/// reassessment (the rating is withdrawn and the template covering the task is ready
/// for the carer again). `note` tells the carer what was decided and why.
#[tracing::instrument(skip_all)]
pub async fn resolve(
    state: &AppState,
    actor: &Actor,
    rating: Uuid,
    action: RatingAction,
    level: Option<CompetencyLevel>,
    note_text: &str,
) -> Result<(), AppError> {
    if action.by_carer() {
        return Err(AppError::Forbidden);
    }
    let resolution = note(note_text, "Say what you decided and why; the carer sees it")?;
    let mut tx = state.db.begin().await?;
    let current = sqlx::query!(
        r#"select r.carer_id, r.task_id, r.level::text as "level!", r.state::text as "state!",
                  k.name as task, u.email, person_name(r.carer_id) as "carer!"
             from competency_ratings r join tasks k on k.id = r.task_id join users u on u.id = r.carer_id
            where r.id = $1
            for update of r"#,
        rating
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("That rating (it may have changed; reload)".into()))?;
    let from: RatingState = current.state.parse().map_err(|_| AppError::Internal)?;
    let to = action
        .apply(from)
        .map_err(|err| AppError::Conflict(err.to_string()))?;
    let before: CompetencyLevel = current.level.parse().map_err(|_| AppError::Internal)?;
    // An amendment is a new rating: a new id, so the carer confirms what they saw.
    let id = match action {
        RatingAction::Amend => {
            let level = level
                .filter(|l| caretrack::conduct::AWARDABLE.contains(l))
                .ok_or_else(|| ValidationError::new("level", "Choose the amended level"))?;
            sqlx::query_scalar!(
                "update competency_ratings
                    set id = gen_random_uuid(), level = $2::text::competency_level, state = 'PENDING',
                        rated_by = $3, rated_at = now(), reminder_sent_at = null,
                        disputed_at = null, dispute_reason = null,
                        resolution = $4, resolved_by = $3, resolved_at = now()
                  where id = $1 returning id",
                rating,
                level.as_str(),
                actor.user_id,
                resolution
            )
            .fetch_one(&mut *tx)
            .await?
        }
        _ => {
            sqlx::query!(
                "update competency_ratings
                    set state = $2::text::rating_state,
                        effective_level = case when $3 then level else effective_level end,
                        confirmed_at = case when $3 then now() else confirmed_at end,
                        resolution = $4, resolved_by = $5, resolved_at = now()
                  where id = $1",
                rating,
                to.as_str(),
                action.makes_effective(),
                resolution,
                actor.user_id
            )
            .execute(&mut *tx)
            .await?;
            rating
        }
    };
    record_history(&mut tx, id, Some(&resolution), actor.user_id).await?;
    if action == RatingAction::Reassess {
        reopen_assessment(&mut tx, current.carer_id, current.task_id, &current.task).await?;
    }
    let (title, link) = match action {
        RatingAction::Uphold => (
            format!("Your {} rating was upheld", current.task),
            "/carer/ratings",
        ),
        RatingAction::Amend => (
            format!(
                "Your {} rating was amended: please confirm it",
                current.task
            ),
            "/carer/ratings",
        ),
        _ => (
            format!("You will be reassessed for {}", current.task),
            "/carer/ratings",
        ),
    };
    // An amended rating waits for the carer's confirmation like any new one.
    let kind = match action {
        RatingAction::Amend => NotificationKind::RatingPending,
        _ => NotificationKind::RatingResolved,
    };
    let notice = Notice::new(kind, title).body(resolution.clone()).link(link);
    let by_email = notify(&mut tx, current.carer_id, &notice)
        .await?
        .wants(Channel::Email);
    let carer: caretrack::ids::UserId = current.carer_id.into();
    if action == RatingAction::Amend {
        bus::emit_to(
            bus::carer_and_office(carer),
            &Event::RatingPending { carer_id: carer },
        );
    }
    if action.makes_effective() {
        competency_changed(carer, current.task_id);
    }
    if action == RatingAction::Amend
        && by_email
        && let (Ok(to_address), Some(level)) = (EmailAddress::parse(&current.email), level)
    {
        let manager: String =
            sqlx::query_scalar!(r#"select person_name($1) as "name!""#, actor.user_id)
                .fetch_one(&mut *tx)
                .await?;
        let email = Email::RatingPendingConfirmation(RatingPendingConfirmation {
            carer_name: current.carer.clone(),
            task_name: current.task.clone(),
            level: level.label().to_owned(),
            assessor_name: manager,
            confirm_url: format!("{}/carer/ratings", state.settings.public_url),
            reminder: false,
        });
        enqueue_email(&mut tx, &to_address, &email).await?;
    }
    let entry = Entry::new(match action {
        RatingAction::Uphold => "ratings.uphold",
        RatingAction::Amend => "ratings.amend",
        _ => "ratings.reassess",
    })
    .entity("competency_rating", id)
    .before(serde_json::json!({ "state": from, "level": before }))
    .after(serde_json::json!({
        "state": to,
        "level": level.unwrap_or(before),
        "note": resolution,
    }));
    audit::commit(tx, actor, entry).await?;
    Ok(())
}

/// A reassessment: the template covering the task becomes ready for the carer again
/// (on its current version), and the assessors are told by the usual job.
pub(in crate::assessments) async fn reopen_assessment(
    tx: &mut PgConnection,
    carer: Uuid,
    task: Uuid,
    task_name: &str,
) -> Result<(), AppError> {
    let template = sqlx::query!(
        "select t.id, v.id as version_id
           from assessment_template_tasks tt
           join assessment_templates t on t.id = tt.template_id and t.deleted_at is null
           join assessment_template_versions v on v.template_id = t.id and v.version = t.current_version
          where tt.task_id = $1",
        task
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::Conflict(format!(
            "No assessment template covers {task_name} now: amend the rating instead, or add the task to a template first."
        ))
    })?;
    let ready = sqlx::query_scalar!(
        "insert into assessments (template_id, template_version_id, carer_id)
         values ($1, $2, $3) on conflict do nothing returning id",
        template.id,
        template.version_id,
        carer
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = ready {
        crate::jobs::enqueue(
            tx,
            crate::jobs::NewJob::new(
                crate::assessments::ready::READY_JOB_KIND,
                &serde_json::json!({ "assessment_id": id }),
            )
            .dedupe_key(format!(
                "{}:{id}",
                crate::assessments::ready::READY_JOB_KIND
            )),
        )
        .await?;
    }
    Ok(())
}
