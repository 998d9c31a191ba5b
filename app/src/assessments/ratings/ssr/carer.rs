//! A carer's own ratings and the answers behind one of them.

use crate::assessments::ratings::api::{
    Achievement, AnswerLine, AssessmentAnswers, CarerRatings, MyRating, PendingRating, RatingChange,
};
use crate::{auth::CurrentUser, error::AppError, state::AppState};
use caretrack::permissions::{Permission, Scope};
use caretrack::{
    CompetencyLevel, RatingState,
    london::{format_date, format_datetime},
};
use sqlx::types::Uuid;

/// A carer's competencies as `viewer` may see them: a carer sees only their own (anyone
/// else's is not found, as if it did not exist); the office sees any carer's.
#[tracing::instrument(skip_all)]
pub async fn competencies(
    state: &AppState,
    viewer: &CurrentUser,
    carer: Uuid,
) -> Result<CarerRatings, AppError> {
    if viewer.role.scope(Permission::ViewProgress) == Some(Scope::Own) && viewer.user_id != carer {
        return Err(AppError::NotFound("The carer".into()));
    }
    for_carer(state, carer).await
}

/// What the carer sees: ratings waiting for them, every rating with its effective
/// level, and the history of changes (newest first, the latest 50).
#[tracing::instrument(skip_all)]
pub async fn for_carer(state: &AppState, carer: Uuid) -> Result<CarerRatings, AppError> {
    let rows = sqlx::query!(
        r#"select r.id, k.name as task, r.level::text as "level!", r.state::text as "state!",
                  r.effective_level::text as "effective!", r.source::text as "source!",
                  r.rated_at, r.review_due_on, r.dispute_reason, r.resolution, r.assessment_id,
                  person_name(r.rated_by) as rated_by,
                  a.assessor_comments, a.judgement_reason, v.title as "title?"
             from competency_ratings r
             join tasks k on k.id = r.task_id
             left join assessments a on a.id = r.assessment_id
             left join assessment_template_versions v on v.id = a.template_version_id
            where r.carer_id = $1
            order by k.name"#,
        carer
    )
    .fetch_all(&state.db)
    .await?;
    let parse_level = |l: &str| l.parse::<CompetencyLevel>().map_err(|_| AppError::Internal);
    let mut pending = Vec::new();
    let mut ratings = Vec::new();
    for r in rows {
        let level = parse_level(&r.level)?;
        let rating_state: RatingState = r.state.parse().map_err(|_| AppError::Internal)?;
        if rating_state == RatingState::Pending {
            pending.push(PendingRating {
                id: r.id.into(),
                task: r.task.clone(),
                level,
                title: r.title.clone(),
                assessment_id: r.assessment_id.map(Into::into),
                rated_by: r.rated_by.clone(),
                rated_at: format_datetime(r.rated_at),
                comments: r.assessor_comments.clone().unwrap_or_default(),
                resolution: r.resolution.clone(),
            });
        }
        ratings.push(MyRating {
            task: r.task,
            level,
            state: rating_state,
            effective: parse_level(&r.effective)?,
            review_due: r.review_due_on.map(format_date),
            dispute_reason: r.dispute_reason,
        });
    }
    let history = sqlx::query!(
        r#"select k.name as task, h.level::text as "level!", h.state::text as "state!",
                  h.reason, person_name(h.changed_by) as by, h.recorded_at
             from competency_rating_history h join tasks k on k.id = h.task_id
            where h.carer_id = $1
            order by h.recorded_at desc, h.id desc
            limit 50"#,
        carer
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|h| {
        Ok(RatingChange {
            task: h.task,
            level: parse_level(&h.level)?,
            state: h.state.parse().map_err(|_| AppError::Internal)?,
            reason: h.reason,
            by: h.by,
            at: format_datetime(h.recorded_at),
        })
    })
    .collect::<Result<_, AppError>>()?;
    let achievements = sqlx::query!(
        r#"select kind as "kind!", subject as "subject!", level, at as "at!" from (
               select 'target' as kind, k.name as subject, null::text as level, tp.target_reached_at as at
                 from task_progress tp join tasks k on k.id = tp.task_id
                where tp.carer_id = $1 and tp.target_reached_at is not null
               union all
               select 'assessment', v.title, a.final_level::text, a.completed_at
                 from assessments a join assessment_template_versions v on v.id = a.template_version_id
                where a.carer_id = $1 and a.status = 'COMPLETED'
               union all
               select 'rating', k.name, h.level::text, h.recorded_at
                 from competency_rating_history h join tasks k on k.id = h.task_id
                where h.carer_id = $1 and h.state = 'CONFIRMED' and h.level >= 'COMPETENT'
           ) m
           order by at desc
           limit 20"#,
        carer
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|m| {
        let level = m
            .level
            .and_then(|l| l.parse::<CompetencyLevel>().ok())
            .unwrap_or_default()
            .label();
        Achievement {
            what: match m.kind.as_str() {
                "target" => format!("Reached the practice target for {}", m.subject),
                "assessment" => format!("Completed the {} assessment ({level})", m.subject),
                _ => format!("{level} in {}, confirmed", m.subject),
            },
            when: format_datetime(m.at),
        }
    })
    .collect();
    Ok(CarerRatings {
        pending,
        ratings,
        history,
        achievements,
    })
}

/// The answers and scores of one of the carer's completed assessments (never the
/// model answers), for a carer who wants to see them before confirming.
#[tracing::instrument(skip_all)]
pub async fn answers_for_carer(
    state: &AppState,
    carer: Uuid,
    assessment: Uuid,
) -> Result<AssessmentAnswers, AppError> {
    let about = sqlx::query!(
        r#"select v.title, v.score_scale_max, (a.weighted_score * 100)::int as score
             from assessments a join assessment_template_versions v on v.id = a.template_version_id
            where a.id = $1 and a.carer_id = $2 and a.status = 'COMPLETED' and a.deleted_at is null"#,
        assessment,
        carer
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::NotFound("The assessment".into()))?;
    let lines = sqlx::query!(
        r#"select i.section::text as "section!", i.prompt, coalesce(r.answer, '') as "answer!",
                  r.score, coalesce(r.not_applicable, false) as "not_applicable!"
             from assessments a
             join assessment_template_items i on i.template_version_id = a.template_version_id
             left join assessment_responses r on r.assessment_id = a.id and r.item_id = i.id
            where a.id = $1
            order by i.section, i.position"#,
        assessment
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|l| {
        Ok(AnswerLine {
            section: l.section.parse().map_err(|_| AppError::Internal)?,
            prompt: l.prompt,
            answer: l.answer,
            score: l.score.and_then(|s| u8::try_from(s).ok()),
            not_applicable: l.not_applicable,
        })
    })
    .collect::<Result<_, AppError>>()?;
    Ok(AssessmentAnswers {
        title: about.title,
        scale_max: u8::try_from(about.score_scale_max).unwrap_or(0),
        score: about
            .score
            .map(|s| caretrack::assessment::WeightedScore::from_hundredths(s as u32).to_string()),
        lines,
    })
}
