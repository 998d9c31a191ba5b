//! The evidence pack: a carer's competencies, assessments and practice as one document.

use app::error::AppError;
use app::state::AppState;
use caretrack::conduct::AssessmentStatus;
use caretrack::ids::UserId;
use caretrack::{RatingSource, RatingState, london};
use reports::data::*;
use sqlx::types::Uuid;

use super::{date_or_blank, label, level, when_or_blank};

pub(super) async fn evidence_pack(
    state: &AppState,
    carer: Uuid,
    cover: impl Fn(&str, String) -> Cover,
) -> Result<EvidencePack, AppError> {
    let db = &state.db;
    let person = sqlx::query!(
        r#"select u.email, u.is_active, person_name(u.id) as "name!", p.phone, p.job_title,
                  p.employment_started_on,
                  array(select cp.name from carer_packages a
                          join care_packages cp on cp.id = a.package_id and cp.deleted_at is null
                         where a.carer_id = u.id order by cp.name) as "packages!"
             from users u left join user_profiles p on p.user_id = u.id
            where u.id = $1 and u.role = 'CARER' and u.deleted_at is null"#,
        carer
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| AppError::NotFound("The carer".into()))?;

    let progress = app::care::ssr::practice::progress_of(state, UserId::from(carer)).await?;

    let ratings = sqlx::query!(
        r#"select t.name as task, r.level::text as "level!", r.state::text as "state!",
                  r.source::text as "source!", r.effective_level::text as "effective!",
                  r.rated_at, person_name(r.rated_by) as "rated_by?", r.confirmed_at,
                  r.review_due_on, r.reason, r.dispute_reason, r.resolution
             from competency_ratings r join tasks t on t.id = r.task_id
            where r.carer_id = $1
            order by t.name"#,
        carer
    )
    .fetch_all(db)
    .await?;

    let assessments = sqlx::query!(
        r#"select a.id, a.template_version_id, v.title, a.status::text as "status!",
                  coalesce(a.submitted_at, a.started_at) as "conducted?",
                  person_name(a.assessor_id) as "assessor?", a.weighted_score::text as "score?",
                  a.suggested_level::text as "suggested?", a.final_level::text as "level?",
                  a.judgement_reason, a.assessor_comments,
                  person_name(a.approved_by) as "approved_by?", a.approved_at,
                  v.knowledge_weight, v.practical_weight, v.emergency_weight, v.score_scale_max,
                  array(select t.name from tasks t where t.id = any(v.covered_task_ids)
                        order by t.name) as "tasks!"
             from assessments a
             join assessment_template_versions v on v.id = a.template_version_id
            where a.carer_id = $1 and a.deleted_at is null and a.status <> 'READY'
            order by coalesce(a.submitted_at, a.started_at, a.ready_at)"#,
        carer
    )
    .fetch_all(db)
    .await?;
    let ids: Vec<Uuid> = assessments.iter().map(|a| a.id).collect();
    let items = sqlx::query!(
        r#"select a.id as assessment_id, i.section::text as "section!", i.prompt,
                  r.answer, r.score, coalesce(r.not_applicable, false) as "na!"
             from assessments a
             join assessment_template_items i on i.template_version_id = a.template_version_id
             left join assessment_responses r on r.assessment_id = a.id and r.item_id = i.id
            where a.id = any($1)
            order by i.section, i.position"#,
        &ids
    )
    .fetch_all(db)
    .await?;

    let history = sqlx::query!(
        r#"select h.recorded_at, t.name as task, h.level::text as "level!", h.state::text as "state!",
                  h.source::text as "source!", person_name(h.changed_by) as "by?", h.reason
             from competency_rating_history h join tasks t on t.id = h.task_id
            where h.carer_id = $1
            order by h.recorded_at, h.id"#,
        carer
    )
    .fetch_all(db)
    .await?;

    Ok(EvidencePack {
        cover: cover("Competency evidence pack", person.name.clone()),
        carer: CarerDetails {
            name: person.name,
            email: person.email,
            phone: person.phone.unwrap_or_default(),
            job_title: person.job_title.unwrap_or_default(),
            started_on: date_or_blank(person.employment_started_on),
            status: if person.is_active {
                "Active"
            } else {
                "Deactivated"
            }
            .into(),
            packages: person.packages,
        },
        overall_percent: progress.overall_percent.map_or(0, |p| p.floor() as u32),
        progress: progress
            .rows
            .into_iter()
            .map(|row| TaskProgress {
                task: row.name,
                category: row.category,
                done: row.progress.current,
                target: row.progress.target,
                percent: row.progress.percent.floor() as u32,
                assigned: row.assigned,
            })
            .collect(),
        ratings: ratings
            .into_iter()
            .map(|r| {
                let mut notes = Vec::new();
                if let Some(reason) = r.reason.filter(|s| !s.trim().is_empty()) {
                    notes.push(format!("Reason: {reason}"));
                }
                if let Some(dispute) = r.dispute_reason.filter(|s| !s.trim().is_empty()) {
                    notes.push(format!("Disputed: {dispute}"));
                }
                if let Some(resolution) = r.resolution.filter(|s| !s.trim().is_empty()) {
                    notes.push(format!("Resolution: {resolution}"));
                }
                Rating {
                    task: r.task,
                    effective: level(Some(&r.effective)),
                    latest: level(Some(&r.level)),
                    state: label(Some(&r.state), RatingState::label),
                    source: label(Some(&r.source), RatingSource::label),
                    rated_on: london::format_datetime(r.rated_at),
                    rated_by: r.rated_by.unwrap_or_default(),
                    confirmed_on: when_or_blank(r.confirmed_at),
                    review_due: date_or_blank(r.review_due_on),
                    notes,
                }
            })
            .collect(),
        assessments: assessments
            .into_iter()
            .map(|a| {
                let weight = |section: &str| match section {
                    "KNOWLEDGE" => a.knowledge_weight,
                    "PRACTICAL" => a.practical_weight,
                    _ => a.emergency_weight,
                };
                let sections = ["KNOWLEDGE", "PRACTICAL", "EMERGENCY"]
                    .into_iter()
                    .filter(|section| weight(section) > 0)
                    .map(|section| AssessmentSection {
                        name: format!(
                            "{} {} %",
                            label(Some(section), caretrack::assessment::Section::label),
                            weight(section)
                        ),
                        items: items
                            .iter()
                            .filter(|i| i.assessment_id == a.id && i.section == section)
                            .map(|i| AssessmentItem {
                                prompt: i.prompt.clone(),
                                answer: i.answer.clone().unwrap_or_default(),
                                score: match (i.na, i.score) {
                                    (true, _) => "N/A".into(),
                                    (false, Some(score)) => {
                                        format!("{score} / {}", a.score_scale_max)
                                    }
                                    (false, None) => "—".into(),
                                },
                            })
                            .collect(),
                    })
                    .collect();
                Assessment {
                    title: a.title,
                    sections,
                    status: label(Some(&a.status), AssessmentStatus::label),
                    tasks: a.tasks,
                    conducted_on: when_or_blank(a.conducted),
                    assessor: a.assessor.unwrap_or_default(),
                    score: a.score.map(|s| format!("{s} %")).unwrap_or_default(),
                    suggested: level(a.suggested.as_deref()),
                    level: level(a.level.as_deref()),
                    judgement_reason: a.judgement_reason.unwrap_or_default(),
                    comments: a.assessor_comments.unwrap_or_default(),
                    approved: match (a.approved_by, a.approved_at) {
                        (Some(by), Some(at)) => {
                            format!("Approved by {by} on {}", london::format_datetime(at))
                        }
                        _ => String::new(),
                    },
                }
            })
            .collect(),
        history: history
            .into_iter()
            .map(|h| HistoryEntry {
                at: london::format_datetime(h.recorded_at),
                task: h.task,
                level: level(Some(&h.level)),
                state: label(Some(&h.state), RatingState::label),
                source: label(Some(&h.source), RatingSource::label),
                by: h.by.unwrap_or_default(),
                reason: h.reason.unwrap_or_default(),
            })
            .collect(),
    })
}
