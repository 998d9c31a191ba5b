//! The CareTrack Pro server: configuration, telemetry, HTTP startup and the
//! infrastructure around the app (database, Redis, demo data).
//!
//! `main.rs` stays thin: parse the command line, load the configuration, hand over here.

pub mod api;
pub mod authn;
pub mod cli;
pub mod config;
pub mod files;
pub mod health;
pub mod jobs;
pub mod mail;
pub mod seed;
pub mod startup;
pub mod telemetry;

use cli::Command;
use config::Config;

/// Anything that stops a command; printed once at exit.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("could not bind {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("HTTP server: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Refused(String),
}

pub async fn run(command: Command, config: Config) -> Result<(), ServerError> {
    match command {
        Command::Serve => startup::serve(config).await,
        Command::Worker => startup::work(config).await,
        Command::Migrate => {
            let pool = startup::connect_database(&config).await?;
            let applied = startup::migrate(&pool).await?;
            tracing::info!(applied, "database schema is up to date");
            println!("Migrations complete ({applied} newly applied).");
            Ok(())
        }
        Command::Seed { demo } => {
            if !demo {
                return Err(ServerError::Refused(
                    "nothing to seed: pass --demo to load the demo organisation".into(),
                ));
            }
            let pool = startup::connect_database(&config).await?;
            startup::migrate(&pool).await?;
            let cipher = config.field_cipher();
            let summary = seed::seed_demo(&pool, &cipher, config.environment).await?;
            println!("{summary}");
            Ok(())
        }
        Command::Help => Ok(()),
    }
}
