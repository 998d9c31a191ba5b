//! The conductor's autosaved draft: last write wins per item across devices, and the
//! assessor is told when a save replaced another device's edit.

use crate::assessments::conduct::api::{DraftEdit, DraftState};
use crate::{audit::Actor, error::AppError, state::AppState};
use caretrack::{
    CompetencyLevel, ValidationError,
    conduct::{self, AssessmentStatus, Stamp, Step},
};
use sqlx::types::Uuid;
use std::collections::HashMap;

use crate::assessments::conduct::ssr::view::{ItemRow, draft, items};

/// Locks an open assessment for a change by its conductor; answers its template version
/// and scale. Only the assessor conducting it may change it: another must take it over
/// first (`start`, an audited step), so a submission is always its conductor's.
pub(in crate::assessments) async fn lock_editable(
    tx: &mut sqlx::PgConnection,
    id: Uuid,
    actor: &Actor,
) -> Result<(Uuid, Uuid, i32), AppError> {
    let row = sqlx::query!(
        r#"select a.status::text as "status!", a.template_version_id, a.carer_id, v.score_scale_max,
                  a.assessor_id, person_name(a.assessor_id) as assessor
             from assessments a join assessment_template_versions v on v.id = a.template_version_id
            where a.id = $1 and a.deleted_at is null
            for update of a"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("The assessment".into()))?;
    let status: AssessmentStatus = row.status.parse().map_err(|_| AppError::Internal)?;
    if status.is_editable() && (row.assessor_id.is_none() || row.assessor_id != actor.user_id) {
        return Err(AppError::Conflict(format!(
            "{} is conducting this assessment. Take it over first (that is recorded).",
            row.assessor.as_deref().unwrap_or("Another assessor")
        )));
    }
    match status {
        s if s.is_editable() => Ok((row.template_version_id, row.carer_id, row.score_scale_max)),
        AssessmentStatus::Ready => Err(AppError::Conflict(
            "Start the assessment before recording answers.".into(),
        )),
        other => Err(AppError::Conflict(format!(
            "This assessment is {} now; its answers can no longer change.",
            other.label().to_lowercase()
        ))),
    }
}

/// One autosave. Every edit lands (last write wins, per item); `overwritten` names the
/// items whose newer edit from another device this save replaced.
#[tracing::instrument(skip_all)]
pub async fn save_draft(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    edit: &DraftEdit,
) -> Result<DraftState, AppError> {
    let device = edit.device_id.trim();
    if device.is_empty() || device.len() > 64 {
        return Err(ValidationError::new("device_id", "A device id is 1 to 64 characters").into());
    }
    let mut tx = state.db.begin().await?;
    let (version, _, scale_max) = lock_editable(&mut tx, id, actor).await?;
    let scale_max = u8::try_from(scale_max).map_err(|_| AppError::Internal)?;
    let catalogue: HashMap<Uuid, ItemRow> = items(&mut tx, version)
        .await?
        .into_iter()
        .map(|item| (item.id, item))
        .collect();
    let stored: HashMap<Uuid, Stamp> = sqlx::query!(
        "select item_id, revision, coalesce(device_id, '') as device from assessment_responses
          where assessment_id = $1",
        id
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| {
        (
            r.item_id,
            Stamp {
                revision: r.revision,
                device_id: r.device.unwrap_or_default(),
            },
        )
    })
    .collect();
    let mut overwritten = Vec::new();
    let (mut ids, mut answers, mut scores, mut na) = (vec![], vec![], vec![], vec![]);
    for item_edit in &edit.items {
        let item = item_edit
            .item_id
            .parse::<Uuid>()
            .ok()
            .and_then(|item| catalogue.get(&item))
            .ok_or_else(|| {
                ValidationError::new("items", "An answer is for an item this assessment lacks")
            })?;
        conduct::check_response(item.rule(), scale_max, &item_edit.response).map_err(|err| {
            ValidationError::new(
                err.field,
                format!(
                    "{} item {}: {}",
                    item.section.label(),
                    item.position,
                    err.message
                ),
            )
        })?;
        if conduct::overwrites_other_device(item_edit.base_revision, stored.get(&item.id), device) {
            overwritten.push(item.prompt.clone());
        }
        ids.push(item.id);
        answers.push(item_edit.response.answer.clone());
        scores.push(item_edit.response.score.map(i32::from));
        na.push(item_edit.response.not_applicable);
    }
    sqlx::query!(
        "insert into assessment_responses
             (assessment_id, item_id, answer, score, not_applicable, updated_by, device_id)
         select $1, i, a, s, n, $6, $7
           from unnest($2::uuid[], $3::text[], $4::int[], $5::bool[]) as x(i, a, s, n)
         on conflict (assessment_id, item_id) do update
            set answer = excluded.answer, score = excluded.score,
                not_applicable = excluded.not_applicable,
                revision = assessment_responses.revision + 1,
                updated_by = excluded.updated_by, device_id = excluded.device_id,
                updated_at = now()",
        id,
        &ids,
        &answers,
        &scores as &[Option<i32>],
        &na,
        actor.user_id,
        device
    )
    .execute(&mut *tx)
    .await?;
    let before = sqlx::query!(
        "select revision, coalesce(device_id, '') as device from assessment_drafts
          where assessment_id = $1",
        id
    )
    .fetch_optional(&mut *tx)
    .await?;
    match &edit.review {
        Some(review) => {
            let form = &review.form;
            let level = match form.final_level.trim() {
                "" => None,
                text => Some(
                    text.parse::<CompetencyLevel>()
                        .ok()
                        .filter(|l| conduct::AWARDABLE.contains(l))
                        .ok_or_else(|| {
                            ValidationError::new("final_level", "Choose the level you award")
                        })?,
                ),
            };
            conduct::long_text(&form.reason, "reason")?;
            conduct::long_text(&form.comments, "comments")?;
            let stamp = before.as_ref().map(|b| Stamp {
                revision: b.revision,
                device_id: b.device.clone().unwrap_or_default(),
            });
            if conduct::overwrites_other_device(review.base_revision, stamp.as_ref(), device) {
                overwritten.push(Step::Review.label().to_owned());
            }
            sqlx::query!(
                "insert into assessment_drafts
                     (assessment_id, current_step, final_level, judgement_reason, comments,
                      updated_by, device_id)
                 values ($1, $2, $3::text::competency_level, $4, $5, $6, $7)
                 on conflict (assessment_id) do update
                    set current_step = excluded.current_step, final_level = excluded.final_level,
                        judgement_reason = excluded.judgement_reason, comments = excluded.comments,
                        revision = assessment_drafts.revision + 1,
                        updated_by = excluded.updated_by, device_id = excluded.device_id,
                        updated_at = now()",
                id,
                edit.step.as_str(),
                level.map(|l| l.as_str()),
                form.reason,
                form.comments,
                actor.user_id,
                device
            )
            .execute(&mut *tx)
            .await?;
        }
        // Only the step moved: not an edit another device could lose.
        None => {
            sqlx::query!(
                "insert into assessment_drafts (assessment_id, current_step, updated_by, device_id)
                 values ($1, $2, $3, $4)
                 on conflict (assessment_id) do update set current_step = excluded.current_step",
                id,
                edit.step.as_str(),
                actor.user_id,
                device
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    let mut state_now = draft(&state.db, id).await?;
    state_now.overwritten = overwritten;
    Ok(state_now)
}
