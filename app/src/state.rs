//! Server-side state handed to every server function and handler.

use crate::{auth::AuthConfig, crypto::FieldCipher, error::AppError, files::FileStorage};
use axum::extract::FromRef;
use leptos::prelude::{LeptosOptions, use_context};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sqlx::PgPool;
use std::{sync::Arc, time::Duration};
use tokio::sync::OnceCell;

/// Which kind of deployment this process is. Production refuses demo data and
/// never mounts development-only pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Test,
    Production,
}

impl Environment {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "development" | "dev" => Some(Environment::Development),
            "test" => Some(Environment::Test),
            "production" | "prod" => Some(Environment::Production),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Environment::Development => "development",
            Environment::Test => "test",
            Environment::Production => "production",
        }
    }
}

/// The parts of the configuration the UI and its server functions need.
#[derive(Clone, Debug)]
pub struct AppSettings {
    pub environment: Environment,
    /// The care provider's name, shown in the header and in emails.
    pub organisation_name: String,
    /// Where people reach the app, for links in emails (no trailing slash).
    pub public_url: String,
    /// The VAPID public key browsers subscribe to pushes with (base64url); `None` when
    /// this server sends no pushes.
    pub push_public_key: Option<String>,
}

/// A Redis connection that is opened on first use and re-opened by the connection
/// manager after a drop, so the server can start (and report itself not ready) while
/// Redis is down, and recover without a restart once it is back.
pub struct RedisHandle {
    client: redis::Client,
    manager: OnceCell<ConnectionManager>,
}

impl RedisHandle {
    pub fn new(client: redis::Client) -> Self {
        Self {
            client,
            manager: OnceCell::new(),
        }
    }

    pub async fn connection(&self) -> Result<ConnectionManager, redis::RedisError> {
        self.manager
            .get_or_try_init(|| {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(Duration::from_secs(2)))
                    .set_response_timeout(Some(Duration::from_secs(2)))
                    .set_number_of_retries(1);
                ConnectionManager::new_with_config(self.client.clone(), config)
            })
            .await
            .cloned()
    }

    /// A dedicated connection for subscribing (a subscribed connection can do nothing
    /// else, so it is never the shared one).
    pub async fn pubsub(&self) -> Result<redis::aio::PubSub, redis::RedisError> {
        self.client.get_async_pubsub().await
    }
}

/// Everything a request needs, cloned cheaply into each handler.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    pub redis: Arc<RedisHandle>,
    pub settings: Arc<AppSettings>,
    /// Seals and opens personal data stored at rest.
    pub cipher: Arc<FieldCipher>,
    /// Uploads and presigned downloads.
    pub files: Arc<FileStorage>,
    /// Token keys, password hashing and cookie settings.
    pub auth: Arc<AuthConfig>,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state inside a server function (provided by `leptos_routes_with_context`).
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}
