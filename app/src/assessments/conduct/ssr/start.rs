//! Starting an assessment: the assessor takes it, and the template version is fixed.

use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::conduct::AssessmentStatus;
use sqlx::types::Uuid;

/// Starts a ready assessment, or takes a returned one up again; the caller becomes its
/// assessor. Starting one already in progress is how another assessor takes it over: an
/// explicit step, audited, after which only they may change it. Everyone who has
/// conducted it is kept (`conductors`): none of them may approve it.
#[tracing::instrument(skip_all)]
pub async fn start(state: &AppState, actor: &Actor, id: Uuid) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let before = sqlx::query!(
        r#"select status::text as "status!", assessor_id from assessments
            where id = $1 and deleted_at is null for update"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("The assessment".into()))?;
    let status: AssessmentStatus = before.status.parse().map_err(|_| AppError::Internal)?;
    if !matches!(
        status,
        AssessmentStatus::Ready | AssessmentStatus::InProgress | AssessmentStatus::Returned
    ) {
        return Err(AppError::Conflict(format!(
            "This assessment is {} and cannot be started.",
            status.label().to_lowercase()
        )));
    }
    if status == AssessmentStatus::InProgress && before.assessor_id == actor.user_id {
        return Ok(());
    }
    sqlx::query!(
        "update assessments
            set status = 'IN_PROGRESS', assessor_id = $2, started_at = coalesce(started_at, now()),
                conductors = case when $2 = any(conductors) then conductors
                                  else array_append(conductors, $2) end
          where id = $1",
        id,
        actor.user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into assessment_drafts (assessment_id, updated_by) values ($1, $2)
         on conflict (assessment_id) do nothing",
        id,
        actor.user_id
    )
    .execute(&mut *tx)
    .await?;
    audit::commit(
        tx,
        actor,
        Entry::new(match status {
            AssessmentStatus::Ready => "assessments.start",
            AssessmentStatus::Returned => "assessments.resume",
            _ => "assessments.take_over",
        })
        .entity("assessment", id)
        .before(serde_json::json!({ "status": status, "assessor_id": before.assessor_id })),
    )
    .await?;
    Ok(())
}
