//! Ratings issued when an assessment completes (pending for the carer), or approvers
//! asked first when the approval chain is on.

use crate::{
    audit::{self, Actor, Entry},
    error::AppError,
    live::{Event, bus},
    mail::{Email, RatingPendingConfirmation, enqueue_email},
    notifications::ssr::{Notice, notify},
    state::AppState,
};
use caretrack::{
    CompetencyLevel, EmailAddress,
    london::business_day,
    notification::{Channel, NotificationKind},
    rating::review_due,
};
use sqlx::{PgConnection, types::Uuid};
use time::OffsetDateTime;

/// Completes a submitted assessment: one pending rating per task its version covered
/// (replacing whatever rating the carer had there, which stays effective until this one
/// is confirmed), the history, the carer told in-app and by email.
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
