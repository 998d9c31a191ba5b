//! Background jobs: the worker that runs them and the schedule that creates them.
//!
//! Jobs are rows in PostgreSQL (`jobs`), written by `app::jobs::enqueue` in the same
//! transaction as the change that causes them. Workers claim them with
//! `FOR UPDATE SKIP LOCKED` under a lease they keep renewing while the handler runs; a
//! worker that dies simply stops renewing, and the job is claimed again once the lease
//! expires. Failures retry with exponential backoff and jitter
//! (`caretrack::retry::RetryPolicy`) until `max_attempts`, then the job is `DEAD` with
//! its last error kept for the Jobs page.

pub mod metrics;
pub mod prune;
pub mod scheduler;
pub mod worker;

use app::state::AppState;
use serde_json::Value;
use sqlx::types::Uuid;
use std::{collections::HashMap, future::Future, pin::Pin, sync::Arc};

/// What a handler is given.
#[derive(Clone)]
pub struct JobContext {
    pub state: AppState,
    pub job_id: Uuid,
    /// 1 on the first try.
    pub attempt: i32,
    pub max_attempts: i32,
}

impl JobContext {
    /// Whether a failure now makes the job dead.
    pub fn is_last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }
}

/// Why a run failed: shown on the Jobs page, so written for an operator.
pub type JobFailure = String;

type BoxedHandler = Arc<
    dyn Fn(JobContext, Value) -> Pin<Box<dyn Future<Output = Result<(), JobFailure>> + Send>>
        + Send
        + Sync,
>;

/// Which code runs each kind of job.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, BoxedHandler>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn register<F, Fut>(&mut self, kind: &'static str, handler: F) -> &mut Self
    where
        F: Fn(JobContext, Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobFailure>> + Send + 'static,
    {
        let previous = self.insert(kind, handler);
        assert!(previous.is_none(), "job kind {kind} registered twice");
        self
    }

    fn insert<F, Fut>(&mut self, kind: &'static str, handler: F) -> Option<BoxedHandler>
    where
        F: Fn(JobContext, Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobFailure>> + Send + 'static,
    {
        self.handlers.insert(
            kind,
            Arc::new(move |ctx, payload| Box::pin(handler(ctx, payload))),
        )
    }

    fn get(&self, kind: &str) -> Option<BoxedHandler> {
        self.handlers.get(kind).cloned()
    }

    /// Whether a handler runs jobs of `kind`.
    pub fn handles(&self, kind: &str) -> bool {
        self.handlers.contains_key(kind)
    }

    /// How long `jobs.prune` keeps finished jobs (`JOBS_KEEP_DAYS`); the standard
    /// registry starts with the defaults.
    pub fn keep_finished_jobs(&mut self, retention: prune::JobRetention) -> &mut Self {
        self.insert(prune::PRUNE_KIND, move |ctx, _| async move {
            let pruned = prune::prune_finished(&ctx.state.db, retention, prune::BATCH)
                .await
                .map_err(|err| format!("pruning finished jobs failed: {err}"))?;
            tracing::info!(
                succeeded = pruned.succeeded,
                dead = pruned.dead,
                succeeded_keep_days = retention.succeeded_days,
                dead_keep_days = retention.dead_days,
                "finished jobs pruned"
            );
            Ok(())
        });
        self
    }

    /// The handlers every CareTrack process knows. Features add theirs here.
    pub fn standard(
        mailer: Arc<crate::mail::Mailer>,
        clamd_addr: Option<Arc<str>>,
        pusher: Option<Arc<crate::push::Pusher>>,
    ) -> Self {
        let mut registry = Self::new();
        registry.register(
            app::notifications::push::SEND_PUSH_KIND,
            move |ctx, payload| {
                let pusher = pusher.clone();
                async move { crate::push::send_queued(ctx, pusher.as_deref(), payload).await }
            },
        );
        registry.register(app::mail::SEND_EMAIL_KIND, move |ctx, payload| {
            let mailer = mailer.clone();
            async move {
                let email_id: Uuid = payload["email_id"]
                    .as_str()
                    .and_then(|id| id.parse().ok())
                    .ok_or("the job has no valid email_id")?;
                crate::mail::send_queued_email(
                    &ctx.state.db,
                    &mailer,
                    email_id,
                    ctx.is_last_attempt(),
                )
                .await
            }
        });
        registry.register(scheduler::CLEANUP_KIND, |ctx, _| async move {
            scheduler::clean_up_expired_credentials(&ctx.state.db)
                .await
                .map(|removed| tracing::info!(removed, "expired sessions and tokens removed"))
                .map_err(|err| format!("cleanup failed: {err}"))
        });
        registry.register(scheduler::RECYCLE_BIN_PURGE_KIND, |ctx, _| async move {
            use app::recycle_bin::ssr::{purge_expired, warn_of_purges};
            let warned = warn_of_purges(&ctx.state)
                .await
                .map_err(|err| format!("recycle bin warning failed: {err}"))?;
            let purged = purge_expired(&ctx.state)
                .await
                .map_err(|err| format!("recycle bin purge failed: {err}"))?;
            tracing::info!(warned, purged, "recycle bin swept");
            Ok(())
        });
        registry.register(scheduler::RATING_REMINDERS_KIND, |ctx, _| async move {
            app::assessments::ratings::ssr::send_reminders(&ctx.state)
                .await
                .map(|carers| tracing::info!(carers, "rating reminders sent"))
                .map_err(|err| format!("rating reminders failed: {err}"))
        });
        registry.register(scheduler::REVIEW_REMINDER_KIND, |ctx, _| async move {
            app::assessments::ratings::ssr::remind_of_reviews(&ctx.state)
                .await
                .map(|reviews| tracing::info!(reviews, "review reminder sent"))
                .map_err(|err| format!("review reminder failed: {err}"))
        });
        registry.register(
            app::assessments::ready::READY_JOB_KIND,
            |ctx, payload| async move {
                let id = payload["assessment_id"]
                    .as_str()
                    .and_then(|id| id.parse().ok())
                    .ok_or("the job has no valid assessment_id")?;
                app::assessments::ready::announce_ready(&ctx.state, id)
                    .await
                    .map(|told| tracing::info!(told, "assessment ready announced"))
                    .map_err(|err| format!("announcing a ready assessment failed: {err}"))
            },
        );
        registry.register(app::reports::RENDER_KIND, crate::reports::run_render);
        registry.register(app::reports::EXPIRE_KIND, |ctx, _| {
            crate::reports::run_expiry(ctx)
        });
        registry.keep_finished_jobs(prune::JobRetention::default());
        registry.register(crate::audit_chain::ANCHOR_KIND, |ctx, _| {
            crate::audit_chain::run_anchor(ctx)
        });
        registry.register(crate::files::GC_KIND, |ctx, _| {
            crate::files::run_garbage_collection(ctx)
        });
        registry.register(app::files::SCAN_JOB_KIND, move |ctx, payload| {
            let clamd_addr = clamd_addr.clone();
            async move {
                let job = serde_json::from_value(payload)
                    .map_err(|err| format!("the job has no valid file_id: {err}"))?;
                let addr = clamd_addr
                    .ok_or("CLAMD_ADDR is not set, so the file stays quarantined until it is")?;
                crate::files::run_scan(ctx, &addr, job).await
            }
        });
        // Sleeps for `millis`: checks a worker fleet end to end (and lets tests kill a
        // worker mid-job). Harmless: it touches nothing.
        registry.register(DIAGNOSTIC_SLEEP_KIND, |_, payload| async move {
            let millis = payload["millis"].as_u64().unwrap_or(0).min(600_000);
            tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
            Ok(())
        });
        registry
    }
}

pub const DIAGNOSTIC_SLEEP_KIND: &str = "diagnostics.sleep";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scheduled_kind_has_a_handler() {
        let mailer = crate::mail::Mailer::directory(
            std::env::temp_dir().join("caretrack-registry-test"),
            "Test <test@care.example>".parse().unwrap(),
            crate::mail::Brand {
                organisation_name: "Test".into(),
                logo_url: String::new(),
            },
        );
        let mut registry = Registry::standard(Arc::new(mailer), None, None);
        for entry in scheduler::standard_schedule() {
            assert!(
                registry.handles(entry.kind),
                "{} has no handler",
                entry.kind
            );
        }
        // Setting the retention replaces the standard handler rather than adding one.
        registry.keep_finished_jobs(prune::JobRetention::keeping_succeeded_for(30));
        assert!(registry.handles(prune::PRUNE_KIND));
    }
}
