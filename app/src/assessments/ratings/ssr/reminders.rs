//! Reminders: pending ratings the carer has not answered, and reviews coming due.

use crate::{
    error::AppError,
    mail::{Email, RatingPendingConfirmation, enqueue_email},
    notifications::ssr::{Notice, notify, notify_all},
    state::AppState,
};
use caretrack::{
    CompetencyLevel, EmailAddress,
    london::business_day,
    notification::{Channel, NotificationKind},
    rating::{FIRST_REMINDER, REMINDERS_UNTIL, reminder_due},
};
use sqlx::types::Uuid;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// The hourly reminder job: every carer with ratings due a reminder
/// (`caretrack::rating::reminder_due`: from 48 hours, then daily for a week) gets one
/// in-app notification and one email naming them all. Answers how many carers.
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
