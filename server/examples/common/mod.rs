//! What the benchmarks share: a scratch database, recreated for each run and dropped
//! after it, so a benchmark never touches the development data.

// Each benchmark uses only part of this module.
#![allow(dead_code)]

use app::state::AppState;
use server::{config::Config, startup};
use sqlx::{Connection, PgConnection};

pub struct ScratchDatabase {
    /// The server's `postgres` database, connected to again at the end (a run may have
    /// restarted the server meanwhile).
    admin_url: String,
    name: String,
    /// The scratch database's URL.
    pub url: String,
}

impl ScratchDatabase {
    /// Recreates `<DATABASE_URL's database>_bench` and points `DATABASE_URL` at it, so
    /// `Config::from_env` (called afterwards) uses it.
    pub async fn create() -> Result<Self, Box<dyn std::error::Error>> {
        let base = std::env::var("DATABASE_URL")?;
        let (server_url, database) = base
            .rsplit_once('/')
            .ok_or("DATABASE_URL has no database")?;
        let name = format!("{database}_bench");
        let mut admin = PgConnection::connect(&format!("{server_url}/postgres")).await?;
        sqlx::query(&format!("drop database if exists {name} with (force)"))
            .execute(&mut admin)
            .await?;
        sqlx::query(&format!("create database {name}"))
            .execute(&mut admin)
            .await?;
        let url = format!("{server_url}/{name}");
        // SAFETY: called before the benchmark starts any other thread that reads the
        // environment.
        unsafe { std::env::set_var("DATABASE_URL", &url) };
        Ok(Self {
            admin_url: format!("{server_url}/postgres"),
            name,
            url,
        })
    }

    pub async fn drop(self) -> Result<(), sqlx::Error> {
        let mut admin = PgConnection::connect(&self.admin_url).await?;
        sqlx::query(&format!(
            "drop database if exists {} with (force)",
            self.name
        ))
        .execute(&mut admin)
        .await?;
        Ok(())
    }
}

/// The number given as argument `index` (after the program name), or `default`.
pub fn arg(index: usize, default: usize) -> Result<usize, Box<dyn std::error::Error>> {
    Ok(std::env::args()
        .nth(index)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(default))
}

/// The configuration from the environment, and the server's state on the scratch
/// database (migrated). Its connections keep the owner's rights (no
/// `DATABASE_APP_ROLE`): benchmarks seed and empty tables between their phases.
pub async fn state() -> Result<(Config, AppState), Box<dyn std::error::Error>> {
    let mut config = Config::from_env()?;
    config.database_app_role = None;
    // Sessions and other audited writes sign their records, as the server's do.
    app::audit::chain::configure(config.audit_chain_keys());
    let state = startup::build_state(
        &config,
        leptos::prelude::LeptosOptions::builder()
            .output_name("bench")
            .build(),
    )?;
    startup::migrate(&state.db).await?;
    Ok((config, state))
}
