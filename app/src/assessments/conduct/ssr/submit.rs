//! The submission: the stored draft scored by the domain core, then approval or the
//! ratings issued (`ratings::ssr::issue`).

use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    state::AppState,
};
use caretrack::{
    CompetencyLevel, ValidationError,
    assessment::WeightedScore,
    conduct::{self, AssessmentStatus, Judgement, JudgementForm, Response},
};
use sqlx::types::Uuid;
use std::collections::HashMap;

use {
    crate::assessments::conduct::ssr::autosave::lock_editable,
    crate::assessments::conduct::ssr::view::{items, rules},
};

/// Scores the stored draft, checks the judgement against the suggestion, and records
/// both. With the approval chain on, the assessment waits for an approver; otherwise it
/// completes and the rating goes to the carer. Answers the new status.
#[tracing::instrument(skip_all)]
pub async fn submit(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    form: &JudgementForm,
) -> Result<AssessmentStatus, AppError> {
    let mut tx = state.db.begin().await?;
    let (version, _, _) = lock_editable(&mut tx, id, actor).await?;
    let v = sqlx::query!(
        "select knowledge_weight, practical_weight, emergency_weight, score_scale_max, pass_thresholds
           from assessment_template_versions where id = $1",
        version
    )
    .fetch_one(&mut *tx)
    .await?;
    let rules = rules(
        v.knowledge_weight,
        v.practical_weight,
        v.emergency_weight,
        v.score_scale_max,
        &v.pass_thresholds,
    )?;
    let catalogue = items(&mut tx, version).await?;
    let mut responses: HashMap<Uuid, Response> = sqlx::query!(
        r#"select item_id, coalesce(answer, '') as "answer!", score, not_applicable
             from assessment_responses where assessment_id = $1"#,
        id
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| {
        (
            r.item_id,
            Response {
                answer: r.answer,
                score: r.score.and_then(|s| u8::try_from(s).ok()),
                not_applicable: r.not_applicable,
            },
        )
    })
    .collect();
    let (score, suggested) = conduct::suggestion(
        rules.weights,
        rules.scale_max,
        &rules.thresholds,
        catalogue
            .iter()
            .map(|item| (item.rule(), responses.remove(&item.id).unwrap_or_default())),
    )
    .map_err(|err| ValidationError::new("items", err.to_string()))?;
    let judgement = Judgement::parse(form, suggested)?;
    let approval: bool =
        sqlx::query_scalar!("select approval_chain_enabled from organisation_settings limit 1")
            .fetch_one(&mut *tx)
            .await?;
    let status = if approval {
        AssessmentStatus::AwaitingApproval
    } else {
        AssessmentStatus::Completed
    };
    record_judgement(&mut tx, id, actor, score, suggested, &judgement, status).await?;
    audit::record(
        &mut tx,
        actor,
        Entry::new("assessments.submit")
            .entity("assessment", id)
            .after(serde_json::json!({
                "score": score.to_string(),
                "suggested_level": suggested,
                "final_level": judgement.final_level,
                "overridden": judgement.overrides(suggested),
                "reason": judgement.reason,
                "status": status,
            })),
    )
    .await?;
    if approval {
        crate::assessments::ratings::ssr::ask_for_approval(state, &mut tx, id).await?;
    } else {
        crate::assessments::ratings::ssr::issue(state, &mut tx, actor, id).await?;
    }
    tx.commit().await?;
    Ok(status)
}

pub(in crate::assessments) async fn record_judgement(
    tx: &mut sqlx::PgConnection,
    id: Uuid,
    actor: &Actor,
    score: WeightedScore,
    suggested: CompetencyLevel,
    judgement: &Judgement,
    status: AssessmentStatus,
) -> Result<(), AppError> {
    sqlx::query!(
        "update assessments
            set weighted_score = $2::int / 100.0, suggested_level = $3::text::competency_level,
                final_level = $4::text::competency_level, judgement_reason = $5,
                assessor_comments = $6, submitted_at = now(), submitted_by = $7,
                status = $8::text::assessment_status,
                completed_at = case when $8 = 'COMPLETED' then now() end
          where id = $1",
        id,
        score.hundredths() as i32,
        suggested.as_str(),
        judgement.final_level.as_str(),
        judgement.reason,
        judgement.comments,
        actor.user_id,
        status.as_str()
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
