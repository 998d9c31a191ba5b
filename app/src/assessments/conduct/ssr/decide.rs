//! An approver's decision on a submitted assessment (the approval chain).

use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::{
    ValidationError,
    conduct::{self, AssessmentStatus},
};
use sqlx::types::Uuid;

/// The approval chain: a second assessor or a care manager approves a submitted
/// assessment (it completes, and the rating goes to the carer) or returns it to its
/// assessor with comments (required). Whoever submitted it, or conducted any of it,
/// cannot approve it.
#[tracing::instrument(skip_all)]
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    approve: bool,
    comments: &str,
) -> Result<AssessmentStatus, AppError> {
    let comments = conduct::long_text(comments, "comments")?;
    if !approve && comments.is_empty() {
        return Err(
            ValidationError::new("comments", "Say what the assessor should look at again").into(),
        );
    }
    let mut tx = state.db.begin().await?;
    let a = sqlx::query!(
        r#"select status::text as "status!", assessor_id, person_name(carer_id) as "carer!",
                  submitted_by, conductors
             from assessments where id = $1 and deleted_at is null for update"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("The assessment".into()))?;
    if a.status != AssessmentStatus::AwaitingApproval.as_str() {
        return Err(AppError::Conflict(
            "This assessment is not waiting for approval (someone may have decided already)."
                .into(),
        ));
    }
    if !may_decide(actor.user_id, a.submitted_by, &a.conductors) {
        return Err(AppError::Conflict(
            "A second person approves an assessment: you conducted or submitted this one.".into(),
        ));
    }
    let comments = (!comments.is_empty()).then_some(comments);
    let status = if approve {
        AssessmentStatus::Completed
    } else {
        AssessmentStatus::Returned
    };
    audit::record(
        &mut tx,
        actor,
        Entry::new(if approve {
            "assessments.approve"
        } else {
            "assessments.return"
        })
        .entity("assessment", id)
        .after(serde_json::json!({ "status": status, "comments": comments })),
    )
    .await?;
    if approve {
        sqlx::query!(
            "update assessments set approved_by = $2, approved_at = now(), approval_comments = $3
              where id = $1",
            id,
            actor.user_id,
            comments
        )
        .execute(&mut *tx)
        .await?;
        crate::assessments::ratings::ssr::issue(state, &mut tx, actor, id).await?;
    } else {
        sqlx::query!(
            "update assessments set status = 'RETURNED', approval_comments = $2 where id = $1",
            id,
            comments
        )
        .execute(&mut *tx)
        .await?;
        if let Some(assessor) = a.assessor_id {
            let notice = crate::notifications::ssr::Notice::new(
                caretrack::notification::NotificationKind::AssessmentReturned,
                format!("{}'s assessment was returned to you", a.carer),
            )
            .body(comments.unwrap_or_default())
            .link(format!("/admin/assessments/{id}"))
            .data(serde_json::json!({ "assessment_id": id.to_string() }));
            crate::notifications::ssr::notify(&mut tx, assessor, &notice).await?;
        }
    }
    tx.commit().await?;
    Ok(status)
}

/// Whether `viewer` may approve or return an assessment: someone who neither submitted
/// it nor conducted any of it.
pub(super) fn may_decide(
    viewer: Option<Uuid>,
    submitted_by: Option<Uuid>,
    conductors: &[Uuid],
) -> bool {
    viewer.is_some_and(|viewer| submitted_by != Some(viewer) && !conductors.contains(&viewer))
}
