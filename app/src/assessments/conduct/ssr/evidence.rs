//! Evidence files attached to an assessment, and removed.

use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::conduct::{self};
use sqlx::types::Uuid;

use crate::assessments::conduct::ssr::autosave::lock_editable;

/// Attaches an uploaded evidence file to an open assessment.
#[tracing::instrument(skip_all)]
pub async fn attach_evidence(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    file: Uuid,
    caption: &str,
) -> Result<(), AppError> {
    let caption = conduct::long_text(caption, "caption")?;
    let mut tx = state.db.begin().await?;
    lock_editable(&mut tx, id, actor).await?;
    let ok = sqlx::query_scalar!(
        r#"select exists (select 1 from files
                           where id = $1 and purpose = 'ASSESSMENT_EVIDENCE'
                             and deleted_at is null and owner_id = $2) as "ok!""#,
        file,
        actor.user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if !ok {
        return Err(AppError::NotFound("The uploaded file".into()));
    }
    sqlx::query!(
        "insert into assessment_evidence (assessment_id, file_id, caption, added_by)
         values ($1, $2, nullif($3, ''), $4) on conflict do nothing",
        id,
        file,
        caption,
        actor.user_id
    )
    .execute(&mut *tx)
    .await?;
    audit::commit(
        tx,
        actor,
        Entry::new("assessments.evidence_add")
            .entity("assessment", id)
            .after(serde_json::json!({ "file_id": file })),
    )
    .await?;
    Ok(())
}

/// Removes evidence from an open assessment; the file itself is deleted.
#[tracing::instrument(skip_all)]
pub async fn remove_evidence(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    file: Uuid,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    lock_editable(&mut tx, id, actor).await?;
    let removed = sqlx::query!(
        "delete from assessment_evidence where assessment_id = $1 and file_id = $2",
        id,
        file
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if removed == 0 {
        return Err(AppError::NotFound("The evidence file".into()));
    }
    crate::files::mark_deleted(&mut *tx, file).await?;
    audit::commit(
        tx,
        actor,
        Entry::new("assessments.evidence_remove")
            .entity("assessment", id)
            .before(serde_json::json!({ "file_id": file })),
    )
    .await?;
    Ok(())
}
