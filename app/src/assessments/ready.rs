//! Telling people an assessment is ready.

use crate::{
    error::AppError,
    live::{Event, Room, bus},
    mail::{AssessmentAvailable, Email, enqueue_email},
    notifications::ssr::{Notice, notify},
    state::AppState,
};
use caretrack::{
    EmailAddress, Role,
    notification::{Channel, NotificationKind},
};
use serde_json::json;
use sqlx::types::Uuid;

/// The job kind the logging statement enqueues when an assessment becomes ready.
pub const READY_JOB_KIND: &str = "assessment.ready";

/// Tells the carer and every active assessor and care manager that an assessment is
/// ready: an in-app notification and an email each, in one transaction (a retried job
/// finds the notifications already there and does nothing twice). Answers how many
/// people were told.
pub async fn announce_ready(state: &AppState, assessment_id: Uuid) -> Result<usize, AppError> {
    let mut tx = state.db.begin().await?;
    let Some(about) = sqlx::query!(
        r#"select a.carer_id, v.title,
                  coalesce(p.first_name || ' ' || p.last_name, u.email) as "carer_name!"
             from assessments a
             join assessment_template_versions v on v.id = a.template_version_id
             join users u on u.id = a.carer_id
             left join user_profiles p on p.user_id = a.carer_id
            where a.id = $1 and a.status = 'READY' and a.deleted_at is null
            for update of a"#,
        assessment_id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        // Started, cancelled or deleted meanwhile: nothing to announce.
        return Ok(0);
    };
    let already: bool = sqlx::query_scalar!(
        r#"select exists (select 1 from notifications
                           where kind = 'assessment_ready' and data->>'assessment_id' = $1) as "told!""#,
        assessment_id.to_string()
    )
    .fetch_one(&mut *tx)
    .await?;
    if already {
        return Ok(0);
    }
    let people = sqlx::query!(
        r#"select u.id as "id!", u.email as "email!", u.id = $1 as "is_carer!",
                  coalesce((select p.first_name || ' ' || p.last_name
                              from user_profiles p where p.user_id = u.id), u.email) as "name!"
             from users u
            where (u.id = $1 or u.role in ('ADMIN', 'ASSESSOR'))
              and u.is_active and u.deleted_at is null"#,
        about.carer_id
    )
    .fetch_all(&mut *tx)
    .await?;
    for person in &people {
        let (title, link) = if person.is_carer {
            (
                format!("You are ready for your {} assessment", about.title),
                "/carer".to_owned(),
            )
        } else {
            (
                format!("{} is ready for {}", about.carer_name, about.title),
                "/admin/progress".to_owned(),
            )
        };
        let notice = Notice::new(NotificationKind::AssessmentReady, title)
            .link(link.clone())
            .data(json!({ "assessment_id": assessment_id.to_string() }));
        if !notify(&mut tx, person.id, &notice)
            .await?
            .wants(Channel::Email)
        {
            continue;
        }
        let Ok(to) = EmailAddress::parse(&person.email) else {
            continue;
        };
        let email = Email::AssessmentAvailable(AssessmentAvailable {
            recipient_name: person.name.clone(),
            carer_name: about.carer_name.clone(),
            assessment_title: about.title.clone(),
            assessment_url: format!("{}{link}", state.settings.public_url),
            for_carer: person.is_carer,
        });
        enqueue_email(&mut tx, &to, &email).await?;
    }
    tx.commit().await?;
    let carer = about.carer_id.into();
    bus::emit_to(
        bus::carer_and_office(carer),
        &Event::AssessmentReady {
            carer_id: carer,
            assessment_id: assessment_id.into(),
        },
    );
    bus::emit(Room::Role(Role::Admin), Event::DashboardCounters);
    Ok(people.len())
}
