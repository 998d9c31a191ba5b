//! Competency ratings from assessments: issuing them when an assessment completes
//! (pending for the carer), asking approvers first when the approval chain is on, and
//! the carer's confirmation or dispute. Every change is appended to
//! `competency_rating_history` and audited; only a confirmed level is effective.

use super::ratings_api::{
    Achievement, AnswerLine, AssessmentAnswers, CarerRatings, MyRating, PendingRating, QueueKind,
    QueueRow, RatingChange, TaskRating,
};
use crate::{
    audit::{self, Actor, Entry},
    auth::CurrentUser,
    care::api::{Named, Page},
    error::AppError,
    live::{Event, bus},
    mail::{DisputeRaised, Email, RatingPendingConfirmation, enqueue_email},
    notifications::ssr::{Notice, notify, notify_all},
    state::AppState,
};
use caretrack::{
    CompetencyLevel, EmailAddress, RatingState, ValidationError,
    london::{business_day, format_date, format_datetime},
    notification::{Channel, NotificationKind},
    rating::{FIRST_REMINDER, REMINDERS_UNTIL, RatingAction, reminder_due, review_due},
};
use sqlx::{PgConnection, types::Uuid};
use std::collections::BTreeMap;
use time::OffsetDateTime;

pub const PAGE_SIZE: i64 = 25;

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
    let notice = Notice::new(
        NotificationKind::RatingPending,
        format!(
            "Your {} assessment: {}. Please confirm it.",
            a.title,
            level.label()
        ),
    )
    .link("/carer/ratings")
    .data(serde_json::json!({ "assessment_id": id.to_string() }));
    let by_email = notify(tx, a.carer_id, &notice).await?.wants(Channel::Email);
    let carer: caretrack::ids::UserId = a.carer_id.into();
    bus::emit_to(
        bus::carer_and_office(carer),
        &Event::RatingPending { carer_id: carer },
    );
    if by_email && let Ok(to) = EmailAddress::parse(&a.carer_email) {
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
    let ask = sqlx::query!(
        r#"select u.id, person_name(a.carer_id) || '''s ' || v.title || ' assessment needs approval' as "title!"
             from assessments a
             join assessment_template_versions v on v.id = a.template_version_id
             join users u on u.role in ('ADMIN', 'ASSESSOR') and u.is_active and u.deleted_at is null
                         and u.id is distinct from a.assessor_id
            where a.id = $1"#,
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    for person in ask {
        let notice = Notice::new(NotificationKind::AssessmentApproval, person.title)
            .link(format!("/admin/assessments/{id}"))
            .data(serde_json::json!({ "assessment_id": id.to_string() }));
        notify(tx, person.id, &notice).await?;
    }
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
    let reason = if action == RatingAction::Dispute {
        note(reason, "Say why you disagree with this rating")?
    } else {
        String::new()
    };
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
        tell_managers_of_dispute(state, &mut tx, user.user_id, &current.task, level, &reason)
            .await?;
    }
    let carer: caretrack::ids::UserId = user.user_id.into();
    let event = match action {
        RatingAction::Dispute => Event::RatingDisputed { carer_id: carer },
        _ => Event::RatingConfirmed { carer_id: carer },
    };
    bus::emit_to(bus::carer_and_office(carer), &event);
    if action.makes_effective() {
        competency_changed(carer, current.task_id);
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

/// A carer's effective level on a task changed: their pages and the office's refetch.
fn competency_changed(carer: caretrack::ids::UserId, task: Uuid) {
    bus::emit_to(
        bus::carer_and_office(carer),
        &Event::CompetencyChanged {
            carer_id: carer,
            task_id: task.into(),
        },
    );
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
        let notice = Notice::new(
            NotificationKind::RatingDisputed,
            format!("{} disputes their {task} rating", manager.carer),
        )
        .link("/admin/progress/confirmations")
        .data(serde_json::json!({ "carer_id": carer.to_string() }));
        if !notify(tx, manager.id, &notice).await?.wants(Channel::Email) {
            continue;
        }
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

fn note(text: &str, empty: &str) -> Result<String, ValidationError> {
    let text = caretrack::conduct::long_text(text, "reason")?;
    if text.is_empty() {
        return Err(ValidationError::new("reason", empty));
    }
    Ok(text)
}

/// Appends the rating's state as it is now to its history.
async fn record_history(
    tx: &mut PgConnection,
    rating: Uuid,
    reason: Option<&str>,
    by: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into competency_rating_history
             (carer_id, task_id, level, state, source, assessment_id, reason, changed_by)
         select carer_id, task_id, level, state, source, assessment_id, $2, $3
           from competency_ratings where id = $1",
        rating,
        reason,
        by
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// A care manager resolves a disputed rating: upholds it (it stands, and counts),
/// amends its level (a new rating, pending the carer's confirmation again), or orders a
/// reassessment (the rating is withdrawn and the template covering the task is ready
/// for the carer again). `note` tells the carer what was decided and why.
pub async fn resolve(
    state: &AppState,
    actor: &Actor,
    rating: Uuid,
    action: RatingAction,
    level: Option<CompetencyLevel>,
    note_text: &str,
) -> Result<(), AppError> {
    if action.by_carer() {
        return Err(AppError::Forbidden);
    }
    let resolution = note(note_text, "Say what you decided and why; the carer sees it")?;
    let mut tx = state.db.begin().await?;
    let current = sqlx::query!(
        r#"select r.carer_id, r.task_id, r.level::text as "level!", r.state::text as "state!",
                  k.name as task, u.email, person_name(r.carer_id) as "carer!"
             from competency_ratings r join tasks k on k.id = r.task_id join users u on u.id = r.carer_id
            where r.id = $1
            for update of r"#,
        rating
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("That rating (it may have changed; reload)".into()))?;
    let from: RatingState = current.state.parse().map_err(|_| AppError::Internal)?;
    let to = action
        .apply(from)
        .map_err(|err| AppError::Conflict(err.to_string()))?;
    let before: CompetencyLevel = current.level.parse().map_err(|_| AppError::Internal)?;
    // An amendment is a new rating: a new id, so the carer confirms what they saw.
    let id = match action {
        RatingAction::Amend => {
            let level = level
                .filter(|l| caretrack::conduct::AWARDABLE.contains(l))
                .ok_or_else(|| ValidationError::new("level", "Choose the amended level"))?;
            sqlx::query_scalar!(
                "update competency_ratings
                    set id = gen_random_uuid(), level = $2::text::competency_level, state = 'PENDING',
                        rated_by = $3, rated_at = now(), reminder_sent_at = null,
                        disputed_at = null, dispute_reason = null,
                        resolution = $4, resolved_by = $3, resolved_at = now()
                  where id = $1 returning id",
                rating,
                level.as_str(),
                actor.user_id,
                resolution
            )
            .fetch_one(&mut *tx)
            .await?
        }
        _ => {
            sqlx::query!(
                "update competency_ratings
                    set state = $2::text::rating_state,
                        effective_level = case when $3 then level else effective_level end,
                        confirmed_at = case when $3 then now() else confirmed_at end,
                        resolution = $4, resolved_by = $5, resolved_at = now()
                  where id = $1",
                rating,
                to.as_str(),
                action.makes_effective(),
                resolution,
                actor.user_id
            )
            .execute(&mut *tx)
            .await?;
            rating
        }
    };
    record_history(&mut tx, id, Some(&resolution), actor.user_id).await?;
    if action == RatingAction::Reassess {
        reopen_assessment(&mut tx, current.carer_id, current.task_id, &current.task).await?;
    }
    let (title, link) = match action {
        RatingAction::Uphold => (
            format!("Your {} rating was upheld", current.task),
            "/carer/ratings",
        ),
        RatingAction::Amend => (
            format!(
                "Your {} rating was amended: please confirm it",
                current.task
            ),
            "/carer/ratings",
        ),
        _ => (
            format!("You will be reassessed for {}", current.task),
            "/carer/ratings",
        ),
    };
    // An amended rating waits for the carer's confirmation like any new one.
    let kind = match action {
        RatingAction::Amend => NotificationKind::RatingPending,
        _ => NotificationKind::RatingResolved,
    };
    let notice = Notice::new(kind, title).body(resolution.clone()).link(link);
    let by_email = notify(&mut tx, current.carer_id, &notice)
        .await?
        .wants(Channel::Email);
    let carer: caretrack::ids::UserId = current.carer_id.into();
    if action == RatingAction::Amend {
        bus::emit_to(
            bus::carer_and_office(carer),
            &Event::RatingPending { carer_id: carer },
        );
    }
    if action.makes_effective() {
        competency_changed(carer, current.task_id);
    }
    if action == RatingAction::Amend
        && by_email
        && let (Ok(to_address), Some(level)) = (EmailAddress::parse(&current.email), level)
    {
        let manager: String =
            sqlx::query_scalar!(r#"select person_name($1) as "name!""#, actor.user_id)
                .fetch_one(&mut *tx)
                .await?;
        let email = Email::RatingPendingConfirmation(RatingPendingConfirmation {
            carer_name: current.carer.clone(),
            task_name: current.task.clone(),
            level: level.label().to_owned(),
            assessor_name: manager,
            confirm_url: format!("{}/carer/ratings", state.settings.public_url),
            reminder: false,
        });
        enqueue_email(&mut tx, &to_address, &email).await?;
    }
    audit::record(
        &mut tx,
        actor,
        Entry::new(match action {
            RatingAction::Uphold => "ratings.uphold",
            RatingAction::Amend => "ratings.amend",
            _ => "ratings.reassess",
        })
        .entity("competency_rating", id)
        .before(serde_json::json!({ "state": from, "level": before }))
        .after(serde_json::json!({ "state": to, "level": level.unwrap_or(before), "note": resolution })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A reassessment: the template covering the task becomes ready for the carer again
/// (on its current version), and the assessors are told by the usual job.
async fn reopen_assessment(
    tx: &mut PgConnection,
    carer: Uuid,
    task: Uuid,
    task_name: &str,
) -> Result<(), AppError> {
    let template = sqlx::query!(
        "select t.id, v.id as version_id
           from assessment_template_tasks tt
           join assessment_templates t on t.id = tt.template_id and t.deleted_at is null
           join assessment_template_versions v on v.template_id = t.id and v.version = t.current_version
          where tt.task_id = $1",
        task
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::Conflict(format!(
            "No assessment template covers {task_name} now: amend the rating instead, or add the task to a template first."
        ))
    })?;
    let ready = sqlx::query_scalar!(
        "insert into assessments (template_id, template_version_id, carer_id)
         values ($1, $2, $3) on conflict do nothing returning id",
        template.id,
        template.version_id,
        carer
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = ready {
        crate::jobs::enqueue(
            tx,
            crate::jobs::NewJob::new(
                super::ssr::READY_JOB_KIND,
                &serde_json::json!({ "assessment_id": id }),
            )
            .dedupe_key(format!("{}:{id}", super::ssr::READY_JOB_KIND)),
        )
        .await?;
    }
    Ok(())
}

/// A care manager sets a rating directly, with a reason: effective at once (no
/// confirmation), the carer told. Setting NOT_ASSESSED also resets the task's progress
/// to zero, so the carer practises it again towards a new assessment. Answers how many
/// carers it was set for.
pub async fn set_manually(
    state: &AppState,
    actor: &Actor,
    carers: &[Uuid],
    task: Uuid,
    level: CompetencyLevel,
    reason_text: &str,
) -> Result<usize, AppError> {
    let reason = note(reason_text, "Give the reason for setting this rating")?;
    if carers.is_empty() {
        return Err(ValidationError::new("carers", "Choose at least one carer").into());
    }
    let mut tx = state.db.begin().await?;
    let task_name = sqlx::query_scalar!(
        "select name from tasks where id = $1 and deleted_at is null",
        task
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("The task".into()))?;
    let ids = sqlx::query_scalar!(
        "insert into competency_ratings
             (carer_id, task_id, level, state, source, effective_level, reason, rated_by, confirmed_at)
         select u.id, $2, $3::text::competency_level, 'CONFIRMED', 'MANUAL', $3::text::competency_level,
                $4, $5, now()
           from users u where u.id = any($1) and u.role = 'CARER' and u.deleted_at is null
         on conflict (carer_id, task_id) do update
            set id = gen_random_uuid(), level = excluded.level, state = 'CONFIRMED',
                source = 'MANUAL', effective_level = excluded.level, assessment_id = null,
                reason = excluded.reason, rated_by = excluded.rated_by, rated_at = now(),
                confirmed_at = now(), disputed_at = null, dispute_reason = null,
                reminder_sent_at = null, review_due_on = null, resolution = null,
                resolved_by = null, resolved_at = null
         returning id",
        carers,
        task,
        level.as_str(),
        reason,
        actor.user_id
    )
    .fetch_all(&mut *tx)
    .await?;
    if ids.len() != carers.len() {
        return Err(
            ValidationError::new("carers", "One of the chosen people is not a carer").into(),
        );
    }
    for id in &ids {
        record_history(&mut tx, *id, Some(&reason), actor.user_id).await?;
    }
    let reset = if level == CompetencyLevel::NotAssessed {
        sqlx::query!(
            "update task_progress
                set completed_count = 0, target_reached_at = null, reset_at = now(), reset_by = $3
              where task_id = $1 and carer_id = any($2)",
            task,
            carers,
            actor.user_id
        )
        .execute(&mut *tx)
        .await?
        .rows_affected()
    } else {
        0
    };
    let notice = Notice::new(
        NotificationKind::RatingSet,
        format!("Your {task_name} rating is now {}", level.label()),
    )
    .body(reason.clone())
    .link("/carer/ratings");
    notify_all(&mut tx, carers, &notice).await?;
    for &carer in carers {
        competency_changed(carer.into(), task);
    }
    audit::record(
        &mut tx,
        actor,
        Entry::new("ratings.set")
            .entity("task", task)
            .after(serde_json::json!({
                "level": level,
                "carers": carers,
                "reason": reason,
                "progress_reset": reset,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(ids.len())
}

/// Progress page 4: ratings waiting for carers (oldest first, with the reminders
/// sent), disputed (oldest first, with the carer's reason), or due for review (soonest
/// first, overdue included).
pub async fn queue(
    state: &AppState,
    which: QueueKind,
    page: i64,
) -> Result<Page<QueueRow>, AppError> {
    let page = page.max(1);
    let today = business_day(OffsetDateTime::now_utc());
    let which_text = match which {
        QueueKind::Disputed => "DISPUTED",
        QueueKind::Pending => "PENDING",
        QueueKind::Reviews => "REVIEWS",
    };
    let rows = sqlx::query!(
        r#"select r.id, r.carer_id, person_name(r.carer_id) as "carer!", k.name as task,
                  r.level::text as "level!", r.effective_level::text as "effective!", r.rated_at,
                  r.reminder_sent_at, r.disputed_at, r.dispute_reason, r.review_due_on,
                  person_name(r.rated_by) as rated_by,
                  count(*) over () as "total!"
             from competency_ratings r
             join tasks k on k.id = r.task_id
             join users u on u.id = r.carer_id and u.deleted_at is null
            where case $1
                    when 'DISPUTED' then r.state = 'DISPUTED'
                    when 'PENDING' then r.state = 'PENDING'
                    else r.review_due_on <= $4 and r.effective_level <> 'NOT_ASSESSED'
                  end
            order by case when $1 = 'REVIEWS' then r.review_due_on end,
                     coalesce(r.disputed_at, r.rated_at), r.id
            limit $2 offset $3"#,
        which_text,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE,
        today + time::Duration::days(REVIEW_WINDOW_DAYS)
    )
    .fetch_all(&state.db)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    let level = |l: &str| l.parse::<CompetencyLevel>().map_err(|_| AppError::Internal);
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(QueueRow {
                id: r.id.to_string(),
                carer: Named {
                    id: r.carer_id.into(),
                    name: r.carer,
                },
                task: r.task,
                level: level(&r.level)?,
                effective: level(&r.effective)?,
                rated_by: r.rated_by,
                rated_at: format_datetime(r.rated_at),
                reminded_at: r.reminder_sent_at.map(format_datetime),
                disputed_at: r.disputed_at.map(format_datetime),
                dispute_reason: r.dispute_reason,
                review_due: r.review_due_on.map(format_date),
                review_overdue: r.review_due_on.is_some_and(|d| d < today),
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

/// Progress page 3: every carer who has the task, with their rating and progress on it.
pub async fn task_ratings(state: &AppState, task: Uuid) -> Result<Vec<TaskRating>, AppError> {
    sqlx::query!(
        r#"select u.id, person_name(u.id) as "name!",
                  coalesce(r.effective_level::text, 'NOT_ASSESSED') as "effective!",
                  r.state::text as state, coalesce(p.completed_count, 0) as "done!", k.target_count
             from tasks k
             join users u on u.role = 'CARER' and u.deleted_at is null
             left join competency_ratings r on r.carer_id = u.id and r.task_id = k.id
             left join task_progress p on p.carer_id = u.id and p.task_id = k.id
            where k.id = $1 and k.deleted_at is null
              and (r.carer_id is not null or p.carer_id is not null
                   or exists (select 1 from carer_packages cp
                                join package_tasks pt on pt.package_id = cp.package_id
                               where cp.carer_id = u.id and pt.task_id = k.id))
            order by 2"#,
        task
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|r| {
        Ok(TaskRating {
            carer: Named {
                id: r.id.into(),
                name: r.name,
            },
            effective: r.effective.parse().map_err(|_| AppError::Internal)?,
            state: r.state.and_then(|s| s.parse().ok()),
            progress: format!("{} of {}", r.done, r.target_count),
        })
    })
    .collect()
}

/// The hourly reminder job: every carer with ratings due a reminder
/// (`caretrack::rating::reminder_due`: from 48 hours, then daily for a week) gets one
/// in-app notification and one email naming them all. Answers how many carers.
pub async fn send_reminders(state: &AppState) -> Result<usize, AppError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = state.db.begin().await?;
    let candidates = sqlx::query!(
        r#"select r.id, r.carer_id, r.rated_at, r.reminder_sent_at, k.name as task,
                  r.level::text as "level!", person_name(r.rated_by) as rated_by,
                  person_name(r.carer_id) as "carer!", u.email
             from competency_ratings r
             join tasks k on k.id = r.task_id
             join users u on u.id = r.carer_id and u.is_active and u.deleted_at is null
            where r.state = 'PENDING' and r.rated_at <= $1 and r.rated_at >= $2
            order by r.carer_id, k.name
            for update of r skip locked"#,
        now - FIRST_REMINDER,
        now - REMINDERS_UNTIL
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut due: BTreeMap<Uuid, Vec<_>> = BTreeMap::new();
    for rating in candidates {
        if reminder_due(rating.rated_at, rating.reminder_sent_at, now) {
            due.entry(rating.carer_id).or_default().push(rating);
        }
    }
    for (carer, ratings) in &due {
        let ids: Vec<Uuid> = ratings.iter().map(|r| r.id).collect();
        sqlx::query!(
            "update competency_ratings set reminder_sent_at = $2 where id = any($1)",
            &ids,
            now
        )
        .execute(&mut *tx)
        .await?;
        let tasks = ratings
            .iter()
            .map(|r| r.task.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let mut levels: Vec<String> = ratings
            .iter()
            .filter_map(|r| r.level.parse::<CompetencyLevel>().ok())
            .map(|l| l.label().to_owned())
            .collect();
        levels.dedup();
        let notice = Notice::new(
            NotificationKind::RatingReminder,
            format!("Reminder: please confirm or dispute your rating for {tasks}"),
        )
        .link("/carer/ratings");
        if !notify(&mut tx, *carer, &notice)
            .await?
            .wants(Channel::Email)
        {
            continue;
        }
        let first = &ratings[0];
        if let Ok(to) = EmailAddress::parse(&first.email) {
            let email = Email::RatingPendingConfirmation(RatingPendingConfirmation {
                carer_name: first.carer.clone(),
                task_name: tasks,
                level: levels.join(", "),
                assessor_name: first.rated_by.clone().unwrap_or_default(),
                confirm_url: format!("{}/carer/ratings", state.settings.public_url),
                reminder: true,
            });
            enqueue_email(&mut tx, &to, &email).await?;
        }
    }
    tx.commit().await?;
    Ok(due.len())
}

/// How many days ahead a review counts as due soon (dashboard, weekly reminder, page 4).
pub const REVIEW_WINDOW_DAYS: i64 = 30;

/// The weekly reminder of competency reviews overdue or due within
/// `REVIEW_WINDOW_DAYS`: one in-app notification per active care manager. Answers how
/// many reviews it counted (nothing is sent when there are none).
pub async fn remind_of_reviews(state: &AppState) -> Result<i64, AppError> {
    let today = business_day(OffsetDateTime::now_utc());
    let c = sqlx::query!(
        r#"select count(*) filter (where review_due_on < $1) as "overdue!",
                  count(*) filter (where review_due_on >= $1) as "soon!"
             from competency_ratings r join users u on u.id = r.carer_id and u.deleted_at is null
            where r.review_due_on <= $2 and r.effective_level <> 'NOT_ASSESSED'"#,
        today,
        today + time::Duration::days(REVIEW_WINDOW_DAYS)
    )
    .fetch_one(&state.db)
    .await?;
    if c.overdue + c.soon == 0 {
        return Ok(0);
    }
    let managers = sqlx::query_scalar!(
        "select id from users where role = 'ADMIN' and is_active and deleted_at is null"
    )
    .fetch_all(&state.db)
    .await?;
    let notice = Notice::new(
        NotificationKind::ReviewsDue,
        format!(
            "Competency reviews: {} overdue, {} due within {REVIEW_WINDOW_DAYS} days",
            c.overdue, c.soon
        ),
    )
    .link("/admin/progress/confirmations");
    let mut tx = state.db.begin().await?;
    notify_all(&mut tx, &managers, &notice).await?;
    tx.commit().await?;
    Ok(c.overdue + c.soon)
}
