//! The database pool and the embedded migrations.

use crate::{ServerError, config::Config};
use secrecy::ExposeSecret;
use sqlx::{PgPool, postgres::PgPoolOptions};
use std::time::Duration;

fn pool_options(config: &Config) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(3))
}

/// The pool requests and jobs are served from: every connection acts as the
/// application's role (`DATABASE_APP_ROLE`), which may read and write the data but not
/// change the schema, its triggers or the audit log's history. Connections open lazily,
/// so the process starts (and reports "not ready") while PostgreSQL is down.
pub(super) fn serving_pool(config: &Config) -> Result<PgPool, sqlx::Error> {
    let mut options = pool_options(config);
    if let Some(role) = config.database_app_role.clone() {
        options = options.after_connect(move |conn, _| {
            let role = role.clone();
            Box::pin(async move {
                // A validated identifier (lower-case letters, digits and _), quoted.
                sqlx::query(&format!("set role \"{role}\""))
                    .execute(conn)
                    .await
                    .map(|_| ())
            })
        });
    }
    options.connect_lazy(config.database_url.expose_secret())
}

/// Connects now, with the connecting user's own rights: for migrations and the
/// operator's one-shot commands, which need the database to do anything.
pub async fn connect_database(config: &Config) -> Result<PgPool, ServerError> {
    Ok(pool_options(config)
        .connect(config.database_url.expose_secret())
        .await?)
}

/// Applies pending migrations as the connecting user (the schema's owner), on a
/// connection of its own: the serving pool's role may not change the schema.
pub async fn migrate_as_owner(config: &Config) -> Result<usize, ServerError> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect(config.database_url.expose_secret())
        .await?;
    let applied = migrate(&pool).await;
    pool.close().await;
    applied
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

/// The migration that makes `caretrack_app` and gives it its rights (`DATABASE_APP_ROLE`).
const APP_ROLE_RIGHTS: &str = include_str!("../../../migrations/20261208000200_app_role.sql");

/// Applies pending migrations, then the application role's rights; returns how many
/// migrations were new. Safe with several instances
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
    // The application role's rights, again: a restore with `--no-acl` drops grants, and
    // the migration that made them has run already. The file is idempotent; a lock keeps
    // two processes migrating at once (web and worker) from granting side by side.
    let mut conn = pool.acquire().await?;
    sqlx::query("select pg_advisory_lock(hashtext('caretrack_app_rights'))")
        .execute(&mut *conn)
        .await?;
    let granted = sqlx::raw_sql(APP_ROLE_RIGHTS).execute(&mut *conn).await;
    sqlx::query("select pg_advisory_unlock(hashtext('caretrack_app_rights'))")
        .execute(&mut *conn)
        .await?;
    // Back to the pool before the count below: `migrate_as_owner`'s pool has one.
    drop(conn);
    granted?;
    let applied_after: i64 =
        sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
            .fetch_one(pool)
            .await?;
    Ok(usize::try_from(applied_after - applied_before).unwrap_or(0))
}
