//! Email delivery: templates, the transport (SMTP, or files in development) and the
//! `email.send` job that delivers what `app::mail::enqueue_email` queued.

pub mod dev_mailbox;
pub mod templates;

use app::mail::Email;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};
use sqlx::{PgPool, types::Uuid};
use std::{path::PathBuf, time::Duration};
use templates::{Rendered, render};

/// The provider's branding on every email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brand {
    pub organisation_name: String,
    /// Absolute URL of the logo image; empty for none.
    pub logo_url: String,
}

pub enum Transport {
    /// Pooled SMTP with STARTTLS or implicit TLS, as the URL says.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Development without SMTP: each message is a `.eml` file, listed at /dev/mailbox.
    Directory(PathBuf),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    pub brand: Brand,
}

impl Mailer {
    /// `url`: `smtp://user:pass@host:587?tls=required` (STARTTLS),
    /// `smtps://user:pass@host:465` (implicit TLS), or `smtp://host:25` (no TLS, local
    /// relays and tests only).
    pub fn smtp(url: &str, from: Mailbox, brand: Brand) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|err| format!("SMTP_URL is not a valid SMTP URL: {err}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Self {
            transport: Transport::Smtp(transport),
            from,
            brand,
        })
    }

    pub fn directory(dir: PathBuf, from: Mailbox, brand: Brand) -> Self {
        Self {
            transport: Transport::Directory(dir),
            from,
            brand,
        }
    }

    /// The mailbox directory, when messages go to files.
    pub fn directory_path(&self) -> Option<&PathBuf> {
        match &self.transport {
            Transport::Directory(dir) => Some(dir),
            Transport::Smtp(_) => None,
        }
    }

    /// The Message-ID of email `id`: the same on every attempt, so a retry after an
    /// ambiguous failure (sent, but the answer was lost) is recognisable as a duplicate.
    pub fn message_id(&self, id: Uuid) -> String {
        format!("<{id}@{}>", self.from.email.domain())
    }

    pub async fn deliver(
        &self,
        to: &str,
        rendered: &Rendered,
        message_id: &str,
    ) -> Result<(), String> {
        let to: Mailbox = to
            .parse()
            .map_err(|err| format!("the recipient address is not valid: {err}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject.clone())
            .message_id(Some(message_id.to_owned()))
            .multipart(MultiPart::alternative_plain_html(
                rendered.text.clone(),
                rendered.html.clone(),
            ))
            .map_err(|err| format!("the message could not be built: {err}"))?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|err| format!("SMTP delivery failed: {err}")),
            Transport::Directory(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
                // Named by the Message-ID's id part: a retry overwrites, never duplicates.
                let name = message_id
                    .trim_matches(['<', '>'])
                    .split('@')
                    .next()
                    .unwrap_or("message");
                let path = dir.join(format!("{name}.eml"));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .map_err(|err| format!("cannot write {}: {err}", path.display()))
            }
        }
    }
}

/// The `email.send` job: render and deliver one queued email, recording the outcome on
/// its `email_messages` row. Sending an email already marked sent does nothing. Once it
/// is sent its payload is cleared: it holds live links (a password reset, an
/// invitation) that must not wait in the database after their use. A failed one keeps
/// them a week, so its job can be retried (`clean_up_expired_credentials` clears them).
pub async fn send_queued_email(
    pool: &PgPool,
    mailer: &Mailer,
    email_id: Uuid,
    last_attempt: bool,
) -> Result<(), String> {
    let row = sqlx::query!(
        r#"select recipient, payload, status::text as "status!", message_id
           from email_messages where id = $1"#,
        email_id
    )
    .fetch_optional(pool)
    .await
    .map_err(|err| format!("database: {err}"))?
    .ok_or_else(|| format!("email {email_id} does not exist"))?;
    if row.status == "SENT" {
        return Ok(());
    }
    let email: Email = serde_json::from_value(row.payload)
        .map_err(|err| format!("the stored email cannot be read: {err}"))?;
    let rendered = render(&email, &mailer.brand).map_err(|err| format!("template: {err}"))?;
    let message_id = row
        .message_id
        .unwrap_or_else(|| mailer.message_id(email_id));
    sqlx::query!(
        "update email_messages set subject = $2, message_id = $3, attempts = attempts + 1 where id = $1",
        email_id,
        rendered.subject,
        message_id,
    )
    .execute(pool)
    .await
    .map_err(|err| format!("database: {err}"))?;

    match mailer.deliver(&row.recipient, &rendered, &message_id).await {
        Ok(()) => {
            sqlx::query!(
                "update email_messages set status = 'SENT', sent_at = now(), last_error = null, payload = '{}'
                  where id = $1",
                email_id
            )
            .execute(pool)
            .await
            .map_err(|err| format!("sent, but not recorded: {err}"))?;
            tracing::info!(%email_id, template = email.template(), "email sent");
            Ok(())
        }
        Err(error) => {
            let status = if last_attempt { "FAILED" } else { "QUEUED" };
            if let Err(err) = sqlx::query!(
                "update email_messages set last_error = $2, status = $3::text::email_status where id = $1",
                email_id,
                error,
                status,
            )
            .execute(pool)
            .await
            {
                tracing::error!(error = %err, "could not record the email failure");
            }
            Err(error)
        }
    }
}
