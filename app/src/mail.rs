//! The emails CareTrack sends (SPEC §5), as data, and the outbox that queues them.
//!
//! A service function calls `enqueue_email` on its own transaction: the email row and
//! its `email.send` job commit or roll back with the change that caused them. The server
//! renders the templates and delivers (SMTP, or files in development).

use crate::jobs::{NewJob, enqueue};
use caretrack::EmailAddress;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, types::Uuid};

pub const SEND_EMAIL_KIND: &str = "email.send";

/// One email and the values it shows. Dates and times arrive formatted for UK readers
/// (`caretrack::london`), links as absolute URLs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum Email {
    Invitation(Invitation),
    EmailVerification(EmailVerification),
    PasswordReset(PasswordReset),
    EmailChange(EmailChange),
    RatingPendingConfirmation(RatingPendingConfirmation),
    DisputeRaised(DisputeRaised),
    AssessmentAvailable(AssessmentAvailable),
    ShiftDecision(ShiftDecision),
    RotaPublished(RotaPublished),
    RetentionWarning(RetentionWarning),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub invitee_name: String,
    pub inviter_name: String,
    pub role: String,
    pub accept_url: String,
    pub expires_on: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailVerification {
    pub name: String,
    pub verify_url: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordReset {
    pub name: String,
    pub reset_url: String,
    pub valid_for: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailChange {
    pub name: String,
    pub new_email: String,
    pub confirm_url: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingPendingConfirmation {
    pub carer_name: String,
    pub task_name: String,
    pub level: String,
    pub assessor_name: String,
    pub confirm_url: String,
    /// The 48-hour reminder rather than the first notice.
    pub reminder: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeRaised {
    pub admin_name: String,
    pub carer_name: String,
    pub task_name: String,
    pub level: String,
    pub reason: String,
    pub review_url: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentAvailable {
    pub recipient_name: String,
    pub carer_name: String,
    pub assessment_title: String,
    pub assessment_url: String,
    /// Written to the carer themselves ("You have completed …").
    #[serde(default)]
    pub for_carer: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftDecision {
    pub carer_name: String,
    pub package_name: String,
    pub shift_when: String,
    pub selected: bool,
    pub shifts_url: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotaPublished {
    pub carer_name: String,
    pub package_name: String,
    pub week_of: String,
    pub rota_url: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionWarning {
    pub admin_name: String,
    pub item_count: u32,
    pub purge_on: String,
    pub recycle_bin_url: String,
}

impl Email {
    /// The template's name, as stored in `email_messages.template`.
    pub fn template(&self) -> &'static str {
        match self {
            Email::Invitation(_) => "invitation",
            Email::EmailVerification(_) => "email_verification",
            Email::PasswordReset(_) => "password_reset",
            Email::EmailChange(_) => "email_change",
            Email::RatingPendingConfirmation(_) => "rating_pending_confirmation",
            Email::DisputeRaised(_) => "dispute_raised",
            Email::AssessmentAvailable(_) => "assessment_available",
            Email::ShiftDecision(_) => "shift_decision",
            Email::RotaPublished(_) => "rota_published",
            Email::RetentionWarning(_) => "retention_warning",
        }
    }
}

/// Queues `email` to `to` on `conn` (pass the business change's transaction).
/// Returns the email's id (see `email_messages`).
pub async fn enqueue_email(
    conn: &mut PgConnection,
    to: &EmailAddress,
    email: &Email,
) -> Result<Uuid, sqlx::Error> {
    let payload = serde_json::to_value(email).expect("emails serialise to JSON");
    let id = sqlx::query_scalar!(
        "insert into email_messages (recipient, template, payload) values ($1, $2, $3) returning id",
        to.as_str(),
        email.template(),
        payload,
    )
    .fetch_one(&mut *conn)
    .await?;
    // No de-duplication key: the email row is new, so its job is too.
    enqueue(
        conn,
        NewJob::new(SEND_EMAIL_KIND, &serde_json::json!({ "email_id": id })),
    )
    .await?;
    Ok(id)
}
