//! The CareTrack Pro server: configuration, telemetry, HTTP startup and the
//! infrastructure around the app (database, Redis, demo data).
//!
//! `main.rs` stays thin: parse the command line, load the configuration, hand over here.

// The OpenAPI document is one `json!` literal per schema set; it nests deeply.
#![recursion_limit = "256"]

pub mod admin_cli;
pub mod api;
pub mod audit_chain;
pub mod authn;
pub mod caching;
pub mod cli;
pub mod client_ip;
pub mod config;
pub mod export;
pub mod files;
pub mod fn_status;
pub mod form_refusal;
pub mod health;
pub mod http_metrics;
pub mod jobs;
pub mod live;
pub mod mail;
pub mod push;
pub mod pwa;
pub mod reports;
pub mod security_headers;
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
    // Every audit record this process writes is signed with it.
    app::audit::chain::configure(config.audit_chain_keys());
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
        Command::CreateAdmin {
            email,
            first_name,
            last_name,
        } => {
            let pool = startup::connect_database(&config).await?;
            startup::migrate(&pool).await?;
            let mut password = String::new();
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                eprint!("Password for {email} (12 characters or more; shown as you type): ");
            }
            std::io::stdin().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let hasher = std::sync::Arc::new(
                app::auth::passwords::PasswordHasher::new(config.password_hashing)
                    .map_err(ServerError::Refused)?,
            );
            let id =
                admin_cli::create_admin(&pool, hasher, &email, &first_name, &last_name, password)
                    .await?;
            println!("Created care manager {email} ({id}). Sign in at /login.");
            Ok(())
        }
        Command::AuditVerify => {
            let pool = startup::connect_database(&config).await?;
            let keys = config.audit_chain_keys();
            let report = audit_chain::verify(&pool, &keys).await?;
            if let Some(id) = report.first_broken {
                return Err(ServerError::Refused(format!(
                    "audit log chain broken at row {id}: it was changed, forged, or a row before it was removed"
                )));
            }
            let storage = config.files.storage(config.url_signing_key());
            match audit_chain::check_anchor(&pool, &*storage.store, &keys).await? {
                audit_chain::AnchorCheck::Holds { id } => {
                    println!(
                        "Audit log intact: {} rows, every hash matches, and row {id} is as the latest anchor recorded it.",
                        report.rows
                    );
                    Ok(())
                }
                audit_chain::AnchorCheck::Missing => {
                    println!(
                        "Audit log intact: {} rows, every hash matches (no anchor written yet: the daily audit.anchor job writes one).",
                        report.rows
                    );
                    Ok(())
                }
                audit_chain::AnchorCheck::Forged => Err(ServerError::Refused(
                    "the latest audit anchor is not signed with a configured AUDIT_CHAIN_KEYS key"
                        .into(),
                )),
                audit_chain::AnchorCheck::Broken { id } => Err(ServerError::Refused(format!(
                    "audit log row {id}, the latest anchor, is gone or changed: rows were removed from the end or rewritten"
                ))),
                audit_chain::AnchorCheck::Stale { id, days } => Err(ServerError::Refused(format!(
                    "the latest audit anchor (row {id}) is {days} days old: the daily audit.anchor job is not running, or an older anchor was put back"
                ))),
            }
        }
        Command::KeysRotate => {
            let pool = startup::connect_database(&config).await?;
            startup::migrate(&pool).await?;
            let cipher = config.field_cipher();
            println!("Re-encrypting with key {:?}…", cipher.current_key_id());
            let done = admin_cli::rotate_keys(&pool, &cipher, |so_far| {
                println!(
                    "  {} care packages, {} two-step secrets so far",
                    so_far.care_packages, so_far.two_factor_secrets
                );
            })
            .await?;
            println!(
                "Done: {} care packages and {} two-step secrets re-encrypted.",
                done.care_packages, done.two_factor_secrets
            );
            Ok(())
        }
        // Answered by `main` before any configuration is read.
        Command::Help | Command::KeysVapid => Ok(()),
    }
}
