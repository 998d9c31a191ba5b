#[cfg(feature = "ssr")]
use crate::auth::door::serve_anyone;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The health of one dependency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependencyHealth {
    pub reachable: bool,
    /// Round-trip time of the check, in milliseconds.
    pub latency_ms: u32,
    /// What the dependency said (its version), or why it could not be reached.
    pub detail: String,
}

/// Live figures read from the database, so a check proves a real query ran.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseFigures {
    /// The database server's own clock at the moment of the check.
    #[serde(with = "time::serde::rfc3339")]
    pub database_time: OffsetDateTime,
    pub migrations_applied: i64,
    pub active_users: i64,
    pub care_packages: i64,
    pub tasks: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemStatus {
    pub version: String,
    pub environment: String,
    pub database: DependencyHealth,
    pub redis: DependencyHealth,
    pub figures: Option<DatabaseFigures>,
}

impl SystemStatus {
    pub fn is_ready(&self) -> bool {
        self.database.reachable && self.redis.reachable
    }

    /// Only whether each dependency answered: what a visitor is told.
    pub fn up_or_down(self) -> Self {
        let bare = |health: DependencyHealth| DependencyHealth {
            reachable: health.reachable,
            latency_ms: 0,
            detail: String::new(),
        };
        Self {
            version: String::new(),
            environment: String::new(),
            database: bare(self.database),
            redis: bare(self.redis),
            figures: None,
        }
    }

    /// Why the system is not ready, for `/readyz` and the status page.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !self.database.reachable {
            problems.push(format!("PostgreSQL: {}", self.database.detail));
        }
        if !self.redis.reachable {
            problems.push(format!("Redis: {}", self.redis.detail));
        }
        problems
    }
}

/// Checks PostgreSQL and Redis now. A visitor who has not signed in is told up or down
/// only: versions, timings and counts help an attacker more than a visitor.
#[server(endpoint = "system_status", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn check_system_status() -> Result<SystemStatus, AppError> {
    serve_anyone(async || {
        let state = crate::state::app_state()?;
        let status = super::ssr::check_system(&state, super::ssr::Detail::Figures).await;
        Ok(match crate::auth::current_user() {
            Ok(_) => status,
            Err(_) => status.up_or_down(),
        })
    })
    .await
}
