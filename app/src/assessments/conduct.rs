//! Conducting assessments: the workflow list (progress page 2), starting one, the
//! conductor's view, the autosaved draft (last write wins per item across devices, and
//! the assessor is told when a save replaced another device's edit), evidence, and the
//! submission, which scores the stored draft with the domain core and either waits for
//! approval or completes the assessment (`ratings::issue`).

use super::conduct_api::{
    AssessmentFilter, AssessmentRow, ConductItem, ConductView, DraftEdit, DraftState, Evidence,
    Outcome, StoredResponse, StoredReview,
};
use crate::{
    audit::{self, Actor, Entry},
    care::api::{Named, Page},
    error::AppError,
    state::AppState,
};
use caretrack::{
    CompetencyLevel, ValidationError,
    assessment::{Section, Thresholds, WeightedScore, Weights},
    conduct::{self, AssessmentStatus, ItemRule, Judgement, JudgementForm, Response, Stamp, Step},
    files::format_size,
    london::format_datetime,
};
use sqlx::{PgPool, types::Uuid};
use std::collections::HashMap;

pub const PAGE_SIZE: i64 = 25;

pub async fn list(
    state: &AppState,
    filter: &AssessmentFilter,
    page: i64,
) -> Result<Page<AssessmentRow>, AppError> {
    let page = page.max(1);
    let template: Option<Uuid> = match filter.template.as_deref().filter(|t| !t.is_empty()) {
        Some(id) => Some(
            id.parse()
                .map_err(|_| AppError::NotFound("The assessment template".into()))?,
        ),
        None => None,
    };
    let rows = sqlx::query!(
        r#"select a.id, a.status::text as "status!", a.carer_id, person_name(a.carer_id) as "carer!",
                  v.title, v.version, a.ready_at, person_name(a.assessor_id) as assessor,
                  (a.weighted_score * 100)::int as score, a.final_level::text as final_level,
                  count(*) over () as "total!"
             from assessments a
             join assessment_template_versions v on v.id = a.template_version_id
            where a.deleted_at is null
              and ($1::text is null or a.status::text = $1)
              and ($2::uuid is null or a.carer_id = $2)
              and ($3::uuid is null or a.template_id = $3)
            order by array_position(array['READY', 'RETURNED', 'IN_PROGRESS', 'AWAITING_APPROVAL',
                                          'COMPLETED', 'CANCELLED'], a.status::text),
                     a.ready_at desc, a.id
            limit $4 offset $5"#,
        filter.status.map(|s| s.as_str()),
        filter.carer.map(|c| *c.as_uuid()),
        template,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(&state.db)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(AssessmentRow {
                id: r.id.to_string(),
                carer: Named {
                    id: r.carer_id.into(),
                    name: r.carer,
                },
                title: r.title,
                version: r.version,
                status: r.status.parse().map_err(|_| AppError::Internal)?,
                ready_at: format_datetime(r.ready_at),
                assessor: r.assessor,
                score: r.score.map(|s| score_text(s as u32)),
                final_level: r.final_level.and_then(|l| l.parse().ok()),
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(Page {
        items,
        total,
        page,
        page_size: PAGE_SIZE,
    })
}

/// A stored score (hundredths of a percent) as the domain core prints it.
pub(super) fn score_text(hundredths: u32) -> String {
    WeightedScore::from_hundredths(hundredths).to_string()
}

/// Starts a ready assessment, or takes a returned one up again; the caller becomes its
/// assessor. Starting one already in progress is allowed (another device, or another
/// assessor taking over) and changes nothing but the assessor.
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
            set status = 'IN_PROGRESS', assessor_id = $2, started_at = coalesce(started_at, now())
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
    audit::record(
        &mut tx,
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
    tx.commit().await?;
    Ok(())
}

/// The template version's scoring rules, as stored.
struct Rules {
    weights: Weights,
    scale_max: u8,
    thresholds: Thresholds,
}

fn rules(
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

struct ItemRow {
    id: Uuid,
    section: Section,
    position: i32,
    prompt: String,
    model_answer: Option<String>,
    allows_not_applicable: bool,
}

impl ItemRow {
    fn rule(&self) -> ItemRule {
        ItemRule {
            section: self.section,
            allows_not_applicable: self.allows_not_applicable,
        }
    }
}

async fn items(db: &mut sqlx::PgConnection, version: Uuid) -> Result<Vec<ItemRow>, AppError> {
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
pub async fn view(state: &AppState, id: Uuid, viewer: Uuid) -> Result<ConductView, AppError> {
    let mut conn = state.db.acquire().await?;
    let a = sqlx::query!(
        r#"select a.carer_id, person_name(a.carer_id) as "carer!", a.status::text as "status!",
                  a.assessor_id,
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
            score: score_text(score as u32),
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
        may_approve: status == AssessmentStatus::AwaitingApproval && a.assessor_id != Some(viewer),
        returned_comments: (status == AssessmentStatus::Returned)
            .then_some(a.approval_comments)
            .flatten(),
        id: id.to_string(),
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
                file_id: e.id.to_string(),
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

/// Locks an open assessment for a change by its conductor; answers its template version
/// and scale.
async fn lock_editable(
    tx: &mut sqlx::PgConnection,
    id: Uuid,
) -> Result<(Uuid, Uuid, i32), AppError> {
    let row = sqlx::query!(
        r#"select a.status::text as "status!", a.template_version_id, a.carer_id, v.score_scale_max
             from assessments a join assessment_template_versions v on v.id = a.template_version_id
            where a.id = $1 and a.deleted_at is null
            for update of a"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("The assessment".into()))?;
    let status: AssessmentStatus = row.status.parse().map_err(|_| AppError::Internal)?;
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
    let (version, _, scale_max) = lock_editable(&mut tx, id).await?;
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

/// Scores the stored draft, checks the judgement against the suggestion, and records
/// both. With the approval chain on, the assessment waits for an approver; otherwise it
/// completes and the rating goes to the carer. Answers the new status.
pub async fn submit(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    form: &JudgementForm,
) -> Result<AssessmentStatus, AppError> {
    let mut tx = state.db.begin().await?;
    let (version, _, _) = lock_editable(&mut tx, id).await?;
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
        super::ratings::ask_for_approval(state, &mut tx, id).await?;
    } else {
        super::ratings::issue(state, &mut tx, actor, id).await?;
    }
    tx.commit().await?;
    Ok(status)
}

async fn record_judgement(
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
                assessor_comments = $6, submitted_at = now(),
                assessor_id = coalesce(assessor_id, $7),
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

/// Attaches an uploaded evidence file to an open assessment.
pub async fn attach_evidence(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    file: Uuid,
    caption: &str,
) -> Result<(), AppError> {
    let caption = conduct::long_text(caption, "caption")?;
    let mut tx = state.db.begin().await?;
    lock_editable(&mut tx, id).await?;
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
    audit::record(
        &mut tx,
        actor,
        Entry::new("assessments.evidence_add")
            .entity("assessment", id)
            .after(serde_json::json!({ "file_id": file })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes evidence from an open assessment; the file itself is deleted.
pub async fn remove_evidence(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    file: Uuid,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    lock_editable(&mut tx, id).await?;
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
    audit::record(
        &mut tx,
        actor,
        Entry::new("assessments.evidence_remove")
            .entity("assessment", id)
            .before(serde_json::json!({ "file_id": file })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The approval chain: a second assessor or a care manager approves a submitted
/// assessment (it completes, and the rating goes to the carer) or returns it to its
/// assessor with comments (required). Whoever submitted it cannot approve it.
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
        r#"select status::text as "status!", assessor_id, person_name(carer_id) as "carer!"
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
    if a.assessor_id.is_some() && a.assessor_id == actor.user_id {
        return Err(AppError::Conflict(
            "A second person approves an assessment: you submitted this one.".into(),
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
        super::ratings::issue(state, &mut tx, actor, id).await?;
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
