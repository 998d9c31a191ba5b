//! Competency ratings from assessments: issuing them when an assessment completes
//! (pending for the carer), asking approvers first when the approval chain is on, and
//! the carer's confirmation or dispute. Every change is appended to
//! `competency_rating_history` and audited; only a confirmed level is effective.

use super::ratings_api::{
    AnswerLine, AssessmentAnswers, CarerRatings, MyRating, PendingRating, RatingChange,
};
use crate::{
    audit::{self, Actor, Entry},
    auth::CurrentUser,
    error::AppError,
    mail::{DisputeRaised, Email, RatingPendingConfirmation, enqueue_email},
    state::AppState,
};
use caretrack::{
    CompetencyLevel, EmailAddress, RatingState, ValidationError,
    conduct::REASON_MAX,
    london::{business_day, format_date, format_datetime},
    rating::{RatingAction, review_due},
};
use sqlx::{PgConnection, types::Uuid};
use time::OffsetDateTime;

/// Completes a submitted assessment: one pending rating per task its version covered
/// (replacing whatever rating the carer had there, which stays effective until this one
/// is confirmed), the history, the carer told in-app and by email.
pub async fn issue(
    state: &AppState,
    tx: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
) -> Result<(), AppError> {
    let a = sqlx::query!(
        r#"select a.carer_id, person_name(a.carer_id) as "carer!", u.email as carer_email,
                  a.final_level::text as "level!", a.assessor_id,
                  person_name(a.assessor_id) as "assessor!", v.title, v.review_months,
                  v.covered_task_ids
             from assessments a
             join assessment_template_versions v on v.id = a.template_version_id
             join users u on u.id = a.carer_id
            where a.id = $1"#,
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    let level: CompetencyLevel = a.level.parse().map_err(|_| AppError::Internal)?;
    let review = a
        .review_months
        .and_then(|m| u8::try_from(m).ok())
        .map(|months| review_due(business_day(OffsetDateTime::now_utc()), months));
    let tasks = sqlx::query_scalar!(
        "insert into competency_ratings
             (carer_id, task_id, level, state, source, assessment_id, rated_by, review_due_on)
         select $1, k.id, $2::text::competency_level, 'PENDING', 'ASSESSMENT', $3, $4, $5
           from tasks k where k.id = any($6) and k.deleted_at is null
         on conflict (carer_id, task_id) do update
            set id = gen_random_uuid(), level = excluded.level, state = 'PENDING',
                source = 'ASSESSMENT', assessment_id = excluded.assessment_id, reason = null,
                rated_by = excluded.rated_by, rated_at = now(), confirmed_at = null,
                disputed_at = null, dispute_reason = null, reminder_sent_at = null,
                review_due_on = excluded.review_due_on, resolution = null,
                resolved_by = null, resolved_at = null
         returning (select name from tasks where id = task_id) as \"name!\"",
        a.carer_id,
        level.as_str(),
        id,
        a.assessor_id,
        review,
        &a.covered_task_ids
    )
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into competency_rating_history
             (carer_id, task_id, level, state, source, assessment_id, changed_by)
         select carer_id, task_id, level, state, source, assessment_id, $2
           from competency_ratings where assessment_id = $1 and state = 'PENDING'",
        id,
        actor.user_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update assessments set status = 'COMPLETED', completed_at = now() where id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    let task_names = tasks.join(", ");
    sqlx::query!(
        "insert into notifications (user_id, kind, title, link, data)
         values ($1, 'rating_pending', $2, '/carer/ratings', jsonb_build_object('assessment_id', $3::text))",
        a.carer_id,
        format!("Your {} assessment: {}. Please confirm it.", a.title, level.label()),
        id.to_string()
    )
    .execute(&mut *tx)
    .await?;
    if let Ok(to) = EmailAddress::parse(&a.carer_email) {
        let email = Email::RatingPendingConfirmation(RatingPendingConfirmation {
            carer_name: a.carer.clone(),
            task_name: task_names.clone(),
            level: level.label().to_owned(),
            assessor_name: a.assessor,
            confirm_url: format!("{}/carer/ratings", state.settings.public_url),
            reminder: false,
        });
        enqueue_email(tx, &to, &email).await?;
    }
    audit::record(
        tx,
        actor,
        Entry::new("assessments.complete")
            .entity("assessment", id)
            .after(serde_json::json!({ "level": level, "tasks": tasks.len() })),
    )
    .await?;
    Ok(())
}

/// The approval chain is on: every other active assessor and care manager is asked.
pub async fn ask_for_approval(
    _state: &AppState,
    tx: &mut PgConnection,
    id: Uuid,
) -> Result<(), AppError> {
    sqlx::query!(
        "insert into notifications (user_id, kind, title, link, data)
         select u.id, 'assessment_approval',
                person_name(a.carer_id) || '''s ' || v.title || ' assessment needs approval',
                '/admin/assessments/' || a.id, jsonb_build_object('assessment_id', a.id::text)
           from assessments a
           join assessment_template_versions v on v.id = a.template_version_id
           join users u on u.role in ('ADMIN', 'ASSESSOR') and u.is_active and u.deleted_at is null
                       and u.id is distinct from a.assessor_id
          where a.id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// What the carer sees: ratings waiting for them, every rating with its effective
/// level, and the history of changes (newest first, the latest 50).
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
                id: r.id.to_string(),
                task: r.task.clone(),
                level,
                title: r.title.clone(),
                assessment_id: r.assessment_id.map(|a| a.to_string()),
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
    Ok(CarerRatings {
        pending,
        ratings,
        history,
    })
}

/// Confirms or disputes one of the carer's own pending ratings, by the id they saw: a
/// rating issued since has a new id, so what the carer did not see is never confirmed.
pub async fn answer(
    state: &AppState,
    user: &CurrentUser,
    actor: &Actor,
    rating: Uuid,
    action: RatingAction,
    reason: &str,
) -> Result<(), AppError> {
    if !action.by_carer() {
        return Err(AppError::Forbidden);
    }
    let reason = reason.trim();
    if action == RatingAction::Dispute {
        if reason.is_empty() {
            return Err(
                ValidationError::new("reason", "Say why you disagree with this rating").into(),
            );
        }
        if reason.chars().count() > REASON_MAX {
            return Err(ValidationError::new(
                "reason",
                format!("This can be at most {REASON_MAX} characters"),
            )
            .into());
        }
    }
    let mut tx = state.db.begin().await?;
    let current = sqlx::query!(
        r#"select r.task_id, r.level::text as "level!", r.state::text as "state!", k.name as task
             from competency_ratings r join tasks k on k.id = r.task_id
            where r.id = $1 and r.carer_id = $2
            for update of r"#,
        rating,
        user.user_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::NotFound("That rating (a newer one may have replaced it; reload)".into())
    })?;
    let from: RatingState = current.state.parse().map_err(|_| AppError::Internal)?;
    let to = action
        .apply(from)
        .map_err(|err| AppError::Conflict(err.to_string()))?;
    sqlx::query!(
        "update competency_ratings
            set state = $2::text::rating_state,
                effective_level = case when $3 then level else effective_level end,
                confirmed_at = case when $3 then now() else confirmed_at end,
                disputed_at = case when $2 = 'DISPUTED' then now() else disputed_at end,
                dispute_reason = case when $2 = 'DISPUTED' then $4 else dispute_reason end
          where id = $1",
        rating,
        to.as_str(),
        action.makes_effective(),
        reason
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into competency_rating_history
             (carer_id, task_id, level, state, source, assessment_id, reason, changed_by)
         select carer_id, task_id, level, state, source, assessment_id, nullif($2, ''), $3
           from competency_ratings where id = $1",
        rating,
        reason,
        user.user_id
    )
    .execute(&mut *tx)
    .await?;
    let level: CompetencyLevel = current.level.parse().map_err(|_| AppError::Internal)?;
    if action == RatingAction::Dispute {
        tell_managers_of_dispute(state, &mut tx, user.user_id, &current.task, level, reason)
            .await?;
    }
    audit::record(
        &mut tx,
        actor,
        Entry::new(match action {
            RatingAction::Confirm => "ratings.confirm",
            _ => "ratings.dispute",
        })
        .entity("competency_rating", rating)
        .before(serde_json::json!({ "state": from, "level": level }))
        .after(serde_json::json!({ "state": to, "task_id": current.task_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn tell_managers_of_dispute(
    state: &AppState,
    tx: &mut PgConnection,
    carer: Uuid,
    task: &str,
    level: CompetencyLevel,
    reason: &str,
) -> Result<(), AppError> {
    let managers = sqlx::query!(
        r#"select id, email, person_name(id) as "name!", person_name($1) as "carer!"
             from users where role = 'ADMIN' and is_active and deleted_at is null"#,
        carer
    )
    .fetch_all(&mut *tx)
    .await?;
    for manager in managers {
        sqlx::query!(
            "insert into notifications (user_id, kind, title, link, data)
             values ($1, 'rating_disputed', $2, '/admin/progress/confirmations',
                     jsonb_build_object('carer_id', $3::text))",
            manager.id,
            format!("{} disputes their {task} rating", manager.carer),
            carer.to_string()
        )
        .execute(&mut *tx)
        .await?;
        if let Ok(to) = EmailAddress::parse(&manager.email) {
            let email = Email::DisputeRaised(DisputeRaised {
                admin_name: manager.name,
                carer_name: manager.carer,
                task_name: task.to_owned(),
                level: level.label().to_owned(),
                reason: reason.to_owned(),
                review_url: format!("{}/admin/progress/confirmations", state.settings.public_url),
            });
            enqueue_email(tx, &to, &email).await?;
        }
    }
    Ok(())
}

/// The answers and scores of one of the carer's completed assessments (never the
/// model answers), for a carer who wants to see them before confirming.
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
        score: about.score.map(|s| super::conduct::score_text(s as u32)),
        lines,
    })
}
