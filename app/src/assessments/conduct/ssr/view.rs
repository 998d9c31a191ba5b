//! The conductor's view of an assessment: its items by section with the rules that
//! score them, and the stored draft.

use crate::assessments::conduct::api::{
    ConductItem, ConductView, DraftState, Evidence, Outcome, StoredResponse, StoredReview,
};
use crate::wire::Named;
use crate::{error::AppError, state::AppState};
use caretrack::{
    CompetencyLevel,
    assessment::{Section, Thresholds, WeightedScore, Weights},
    conduct::{AssessmentStatus, ItemRule, JudgementForm, Response},
    files::format_size,
};
use sqlx::{PgPool, types::Uuid};

/// The template version's scoring rules, as stored.
pub(in crate::assessments) struct Rules {
    pub(in crate::assessments) weights: Weights,
    pub(in crate::assessments) scale_max: u8,
    pub(in crate::assessments) thresholds: Thresholds,
}

pub(in crate::assessments) fn rules(
    knowledge: i32,
    practical: i32,
    emergency: i32,
    scale_max: i32,
    thresholds: &serde_json::Value,
) -> Result<Rules, AppError> {
    let small = |n: i32| u8::try_from(n).map_err(|_| AppError::Internal);
    let weights = Weights::new(small(knowledge)?, small(practical)?, small(emergency)?)
        .map_err(|_| AppError::Internal)?;
    let thresholds = Thresholds::new(Thresholds::LEVELS.into_iter().filter_map(|level| {
        thresholds[level.as_str()]
            .as_u64()
            .and_then(|n| u8::try_from(n).ok())
            .map(|n| (level, n))
    }))
    .map_err(|_| AppError::Internal)?;
    Ok(Rules {
        weights,
        scale_max: small(scale_max)?,
        thresholds,
    })
}

pub(in crate::assessments) struct ItemRow {
    pub(in crate::assessments) id: Uuid,
    pub(in crate::assessments) section: Section,
    pub(in crate::assessments) position: i32,
    pub(in crate::assessments) prompt: String,
    pub(in crate::assessments) model_answer: Option<String>,
    pub(in crate::assessments) allows_not_applicable: bool,
}

impl ItemRow {
    pub(in crate::assessments) fn rule(&self) -> ItemRule {
        ItemRule {
            section: self.section,
            allows_not_applicable: self.allows_not_applicable,
        }
    }
}

pub(in crate::assessments) async fn items(
    db: &mut sqlx::PgConnection,
    version: Uuid,
) -> Result<Vec<ItemRow>, AppError> {
    sqlx::query!(
        r#"select id, section::text as "section!", position, prompt, model_answer, allows_not_applicable
             from assessment_template_items where template_version_id = $1
            order by section, position"#,
        version
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|r| {
        Ok(ItemRow {
            id: r.id,
            section: r.section.parse().map_err(|_| AppError::Internal)?,
            position: r.position,
            prompt: r.prompt,
            model_answer: r.model_answer,
            allows_not_applicable: r.allows_not_applicable,
        })
    })
    .collect()
}

/// The conductor's view of an assessment, for `viewer` (who may approve it if the
/// approval chain holds it and they did not submit it).
#[tracing::instrument(skip_all)]
pub async fn view(state: &AppState, id: Uuid, viewer: Uuid) -> Result<ConductView, AppError> {
    let mut conn = state.db.acquire().await?;
    let a = sqlx::query!(
        r#"select a.carer_id, person_name(a.carer_id) as "carer!", a.status::text as "status!",
                  a.assessor_id, a.submitted_by, a.conductors,
                  person_name(a.assessor_id) as assessor, v.id as version_id, v.title, v.version,
                  v.knowledge_weight, v.practical_weight, v.emergency_weight, v.score_scale_max,
                  v.pass_thresholds,
                  (select coalesce(array_agg(k.name order by k.name), '{}') from tasks k
                    where k.id = any(v.covered_task_ids)) as "tasks!",
                  (a.weighted_score * 100)::int as score, a.suggested_level::text as suggested,
                  a.final_level::text as final_level, a.judgement_reason, a.assessor_comments,
                  a.approval_comments,
                  coalesce(d.current_step, 'KNOWLEDGE') as "step!",
                  (select approval_chain_enabled from organisation_settings limit 1) as "approval!"
             from assessments a
             join assessment_template_versions v on v.id = a.template_version_id
             left join assessment_drafts d on d.assessment_id = a.id
            where a.id = $1 and a.deleted_at is null"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| AppError::NotFound("The assessment".into()))?;
    let rules = rules(
        a.knowledge_weight,
        a.practical_weight,
        a.emergency_weight,
        a.score_scale_max,
        &a.pass_thresholds,
    )?;
    let items = items(&mut conn, a.version_id).await?;
    let evidence = sqlx::query!(
        r#"select f.id, f.original_name, f.size_bytes, coalesce(e.caption, '') as "caption!",
                  person_name(e.added_by) as "added_by!"
             from assessment_evidence e join files f on f.id = e.file_id
            where e.assessment_id = $1 and f.deleted_at is null
            order by e.added_at"#,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let level = |text: Option<String>| text.and_then(|l| l.parse::<CompetencyLevel>().ok());
    let outcome = match (a.score, level(a.suggested), level(a.final_level)) {
        (Some(score), Some(suggested), Some(final_level)) => Some(Outcome {
            score: WeightedScore::from_hundredths(score as u32).to_string(),
            suggested,
            final_level,
            reason: a.judgement_reason,
            comments: a.assessor_comments.unwrap_or_default(),
            approval_comments: a.approval_comments.clone(),
        }),
        _ => None,
    };
    drop(conn);
    let status: AssessmentStatus = a.status.parse().map_err(|_| AppError::Internal)?;
    Ok(ConductView {
        may_approve: status == AssessmentStatus::AwaitingApproval
            && super::decide::may_decide(Some(viewer), a.submitted_by, &a.conductors),
        conducting: a.assessor_id == Some(viewer),
        returned_comments: (status == AssessmentStatus::Returned)
            .then_some(a.approval_comments)
            .flatten(),
        id: id.into(),
        carer: Named {
            id: a.carer_id.into(),
            name: a.carer,
        },
        title: a.title,
        version: a.version,
        status,
        assessor: a.assessor,
        weights: rules.weights,
        scale_max: rules.scale_max,
        thresholds: rules.thresholds,
        tasks: a.tasks,
        items: items
            .into_iter()
            .map(|item| ConductItem {
                id: item.id.to_string(),
                rule: item.rule(),
                section: item.section,
                position: item.position,
                prompt: item.prompt,
                model_answer: item.model_answer,
            })
            .collect(),
        step: a.step.parse().unwrap_or_default(),
        draft: draft(&state.db, id).await?,
        evidence: evidence
            .into_iter()
            .map(|e| Evidence {
                file_id: e.id.into(),
                name: e.original_name,
                size: format_size(u64::try_from(e.size_bytes).unwrap_or(0)),
                caption: e.caption,
                added_by: e.added_by,
            })
            .collect(),
        approval_required: a.approval,
        outcome,
    })
}

/// The stored draft: every stored item and the review.
#[tracing::instrument(skip_all)]
pub async fn draft(db: &PgPool, id: Uuid) -> Result<DraftState, AppError> {
    let items = sqlx::query!(
        r#"select item_id, coalesce(answer, '') as "answer!", score, not_applicable, revision,
                  person_name(updated_by) as updated_by
             from assessment_responses where assessment_id = $1"#,
        id
    )
    .fetch_all(db)
    .await?;
    let review = sqlx::query!(
        r#"select final_level::text as final_level, judgement_reason, comments, revision
             from assessment_drafts where assessment_id = $1"#,
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(DraftState {
        items: items
            .into_iter()
            .map(|r| StoredResponse {
                item_id: r.item_id.to_string(),
                response: Response {
                    answer: r.answer,
                    score: r.score.and_then(|s| u8::try_from(s).ok()),
                    not_applicable: r.not_applicable,
                },
                revision: r.revision,
                updated_by: r.updated_by,
            })
            .collect(),
        review: review
            .map(|r| StoredReview {
                form: JudgementForm {
                    final_level: r.final_level.unwrap_or_default(),
                    reason: r.judgement_reason,
                    comments: r.comments,
                },
                revision: r.revision,
            })
            .unwrap_or_default(),
        overwritten: Vec::new(),
    })
}
