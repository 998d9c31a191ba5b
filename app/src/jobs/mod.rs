//! The outbox side of the background job queue.
//!
//! A job is written by `enqueue` on the caller's own connection, so it commits or rolls
//! back with the business change that caused it: no email is sent for an invitation that
//! was never saved, and no invitation is saved whose email is lost. `NOTIFY jobs` is
//! delivered on commit and wakes idle workers at once. The workers themselves (claiming,
//! leases, retries, the schedule) live in the server crate.

use serde::Serialize;
use sqlx::{PgConnection, types::Uuid};
use time::OffsetDateTime;

/// The channel workers LISTEN on.
pub const NOTIFY_CHANNEL: &str = "jobs";

/// A job to run in the background.
#[derive(Clone, Debug)]
pub struct NewJob {
    /// Which handler runs it, e.g. `email.send`.
    pub kind: &'static str,
    pub queue: &'static str,
    pub payload: serde_json::Value,
    /// Not before this moment (default: now).
    pub run_at: Option<OffsetDateTime>,
    /// Jobs sharing a key are enqueued once; later attempts are ignored.
    pub dedupe_key: Option<String>,
    pub max_attempts: i32,
}

impl NewJob {
    pub fn new(kind: &'static str, payload: &impl Serialize) -> Self {
        Self {
            kind,
            queue: "default",
            payload: serde_json::to_value(payload).expect("job payloads serialise to JSON"),
            run_at: None,
            dedupe_key: None,
            max_attempts: 8,
        }
    }

    pub fn on_queue(mut self, queue: &'static str) -> Self {
        self.queue = queue;
        self
    }

    pub fn run_at(mut self, at: OffsetDateTime) -> Self {
        self.run_at = Some(at);
        self
    }

    pub fn dedupe_key(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }

    pub fn max_attempts(mut self, attempts: i32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }
}

/// Enqueues `job` on `conn` (pass the business change's transaction). Returns the new
/// job's id, or `None` when a job with the same de-duplication key already exists.
pub async fn enqueue(conn: &mut PgConnection, job: NewJob) -> Result<Option<Uuid>, sqlx::Error> {
    let id = sqlx::query_scalar!(
        r#"insert into jobs (queue, kind, payload, run_at, dedupe_key, max_attempts)
           values ($1, $2, $3, coalesce($4, now()), $5, $6)
           on conflict (dedupe_key) where dedupe_key is not null do nothing
           returning id"#,
        job.queue,
        job.kind,
        job.payload,
        job.run_at,
        job.dedupe_key,
        job.max_attempts,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if id.is_some() {
        sqlx::query!("select pg_notify($1, $2)", NOTIFY_CHANNEL, job.queue)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}
