//! The dependency checks behind the status page and `/readyz`.

use super::api::{DatabaseFigures, DependencyHealth, SystemStatus};
use crate::state::AppState;
use std::time::{Duration, Instant};

/// How long one dependency may take before it counts as unreachable.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// How much a check reads from the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Reachability only: `/readyz`, which orchestrators poll every few seconds.
    Readiness,
    /// Reachability plus live figures (counts): the status page.
    Figures,
}

#[tracing::instrument(skip_all)]
pub async fn check_system(state: &AppState, detail: Detail) -> SystemStatus {
    let ((database, figures), redis) =
        tokio::join!(check_database(state, detail), check_redis(state));
    SystemStatus {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        environment: state.settings.environment.as_str().to_owned(),
        database,
        redis,
        figures,
    }
}

fn elapsed_ms(started: Instant) -> u32 {
    u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX)
}

async fn check_database(
    state: &AppState,
    detail: Detail,
) -> (DependencyHealth, Option<DatabaseFigures>) {
    let started = Instant::now();
    let check = async {
        let version: String = sqlx::query_scalar!(r#"select version() as "version!""#)
            .fetch_one(&state.db)
            .await?;
        let figures = match detail {
            Detail::Readiness => None,
            Detail::Figures => Some(read_figures(state).await?),
        };
        Ok::<_, sqlx::Error>((version, figures))
    };
    match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(Ok((version, figures))) => {
            // "PostgreSQL 15.18 (Debian …) on x86_64…" → "PostgreSQL 15.18"
            let detail = version
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ");
            let health = DependencyHealth {
                reachable: true,
                latency_ms: elapsed_ms(started),
                detail,
            };
            (health, figures)
        }
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness: database check failed");
            (unreachable(started, describe_sqlx(&err)), None)
        }
        Err(_) => (unreachable(started, "timed out".into()), None),
    }
}

async fn read_figures(state: &AppState) -> Result<DatabaseFigures, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        select
            now() as "database_time!",
            (select count(*) from _sqlx_migrations where success) as "migrations_applied!",
            (select count(*) from users where deleted_at is null and is_active) as "active_users!",
            (select count(*) from care_packages where deleted_at is null) as "care_packages!",
            (select count(*) from tasks where deleted_at is null) as "tasks!"
        "#
    )
    .fetch_one(&state.db)
    .await?;
    Ok(DatabaseFigures {
        database_time: row.database_time,
        migrations_applied: row.migrations_applied,
        active_users: row.active_users,
        care_packages: row.care_packages,
        tasks: row.tasks,
    })
}

async fn check_redis(state: &AppState) -> DependencyHealth {
    let started = Instant::now();
    let check = async {
        let mut conn = state.redis.connection().await?;
        let info: String = redis::cmd("INFO")
            .arg("server")
            .query_async(&mut conn)
            .await?;
        Ok::<_, redis::RedisError>(info)
    };
    match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(Ok(info)) => {
            let version = info
                .lines()
                .find_map(|line| line.strip_prefix("redis_version:"))
                .unwrap_or("unknown version")
                .trim();
            DependencyHealth {
                reachable: true,
                latency_ms: elapsed_ms(started),
                detail: format!("Redis {version}"),
            }
        }
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness: redis check failed");
            unreachable(started, "connection failed".into())
        }
        Err(_) => unreachable(started, "timed out".into()),
    }
}

fn unreachable(started: Instant, detail: String) -> DependencyHealth {
    DependencyHealth {
        reachable: false,
        latency_ms: elapsed_ms(started),
        detail,
    }
}

/// A reason safe to show operators: the kind of failure, never credentials or SQL.
fn describe_sqlx(err: &sqlx::Error) -> String {
    match err {
        sqlx::Error::PoolTimedOut => "no connection available (timed out)".into(),
        sqlx::Error::Io(_) => "connection failed".into(),
        sqlx::Error::Tls(_) => "TLS handshake failed".into(),
        sqlx::Error::Database(db) => format!("query refused ({})", db.code().unwrap_or_default()),
        _ => "query failed".into(),
    }
}
