//! The database pool and the embedded migrations.

use crate::{ServerError, config::Config};
use secrecy::ExposeSecret;
use sqlx::{PgPool, postgres::PgPoolOptions};
use std::time::Duration;

pub(super) fn pool_options(config: &Config) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(3))
}

/// Connects now (for one-shot commands, which need the database to do anything).
pub async fn connect_database(config: &Config) -> Result<PgPool, ServerError> {
    Ok(pool_options(config)
        .connect(config.database_url.expose_secret())
        .await?)
}

/// The migrations embedded in this build. Migrations the database has but this build
/// does not know (a newer release's, after a rollback to an older one) are ignored
/// instead of refused, so the previous release can start and run `server migrate`
/// against the newer schema: every migration must work with the previous release's
/// code anyway (docs/OPERATIONS.md, upgrades). Changed migrations are still refused.
pub fn migrator() -> sqlx::migrate::Migrator {
    let mut migrator = sqlx::migrate!("../migrations");
    migrator.set_ignore_missing(true);
    migrator
}

/// Applies pending migrations; returns how many were new. Safe with several instances
/// starting at once (sqlx takes an advisory lock).
pub async fn migrate(pool: &PgPool) -> Result<usize, ServerError> {
    let before: i64 =
        sqlx::query_scalar("select count(*) from pg_tables where tablename = '_sqlx_migrations'")
            .fetch_one(pool)
            .await?;
    let applied_before: i64 = if before > 0 {
        sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
            .fetch_one(pool)
            .await?
    } else {
        0
    };
    migrator().run(pool).await?;
    let applied_after: i64 =
        sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
            .fetch_one(pool)
            .await?;
    Ok(usize::try_from(applied_after - applied_before).unwrap_or(0))
}
