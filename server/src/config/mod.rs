//! Typed configuration, read once at boot from the environment (and `.env`).
//!
//! Every problem is reported at once, naming the variable and what it should hold.
//! Secret values (URLs with passwords, keys) are wrapped so they never reach a log line.

use app::auth::{
    AuthConfig,
    passwords::{HashParams, PasswordHasher},
    tokens::JwtKeys,
};
use app::crypto::{FieldCipher, KEY_BYTES};
use app::state::{AppSettings, Environment};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use std::fmt;

mod reader;
mod sections;

use reader::Reader;

pub struct Config {
    pub environment: Environment,
    pub database_url: SecretString,
    pub database_max_connections: u32,
    /// The role the served connections act as (`DATABASE_APP_ROLE`); migrations and the
    /// operator's commands keep the connecting user's rights.
    pub database_app_role: Option<String>,
    pub redis_url: SecretString,
    pub organisation_name: String,
    /// Where people reach the app (`PUBLIC_URL`), for links in emails.
    pub public_url: String,
    pub migrate_on_start: bool,
    /// Background jobs run at once by this process (0: this process runs none).
    pub worker_concurrency: usize,
    /// Whether this process enqueues scheduled jobs (safe on every instance).
    pub scheduler_enabled: bool,
    /// How long a claimed job stays reserved without a heartbeat: how soon the jobs of a
    /// crashed worker run again.
    pub job_lease: std::time::Duration,
    /// Succeeded jobs older than this many days are deleted by the daily `jobs.prune`
    /// (dead ones are kept longer: `jobs::prune::DEAD_KEEP_DAYS`, or this if longer).
    pub jobs_keep_days: u32,
    /// Where `server worker` serves `/healthz` and `/metrics`; none: no listener.
    pub worker_metrics_addr: Option<std::net::SocketAddr>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`TRUSTED_PROXIES`).
    pub trusted_proxies: crate::client_ip::TrustedProxies,
    /// Bearer token for `/metrics`; without one, `/metrics` is open in development and
    /// test and absent in production.
    pub metrics_token: Option<SecretString>,
    /// SMTP server URL; without it (development and test only) emails are written to
    /// `mail_dir` and listed at /dev/mailbox.
    pub smtp_url: Option<SecretString>,
    pub mail_from: lettre::message::Mailbox,
    pub mail_dir: std::path::PathBuf,
    /// Absolute URL of the provider's logo for emails; empty for none.
    pub organisation_logo_url: String,
    pub log_filter: String,
    /// One JSON object per line (production's default: log collectors parse it), or
    /// plain text.
    pub log_format: crate::telemetry::LogFormat,
    /// Where uploads are kept, and how downloads are signed and scanned.
    pub files: crate::files::config::FileConfig,
    /// argon2id cost (`ARGON2_MEMORY_KIB`, `ARGON2_ITERATIONS`, `ARGON2_PARALLELISM`).
    pub password_hashing: HashParams,
    encryption_keys: Vec<(String, SecretBox<[u8; KEY_BYTES]>)>,
    audit_chain_keys: Vec<(String, SecretBox<[u8; KEY_BYTES]>)>,
    /// Web Push identity (`VAPID_PRIVATE_KEY`, `VAPID_SUBJECT`); without it no pushes
    /// are sent and browsers are not offered them.
    pub vapid: Option<std::sync::Arc<crate::push::crypto::Vapid>>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("environment", &self.environment)
            .field("database_url", &"[REDACTED]")
            .field("database_max_connections", &self.database_max_connections)
            .field("database_app_role", &self.database_app_role)
            .field("redis_url", &"[REDACTED]")
            .field("organisation_name", &self.organisation_name)
            .field("migrate_on_start", &self.migrate_on_start)
            .field("worker_concurrency", &self.worker_concurrency)
            .field("scheduler_enabled", &self.scheduler_enabled)
            .field("job_lease", &self.job_lease)
            .field("jobs_keep_days", &self.jobs_keep_days)
            .field("worker_metrics_addr", &self.worker_metrics_addr)
            .field("trusted_proxies", &format_args!("{}", self.trusted_proxies))
            .field(
                "metrics_token",
                &self.metrics_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("log_filter", &self.log_filter)
            .field("log_format", &self.log_format)
            .field("web_push", &self.vapid.is_some())
            .field(
                "audit_chain_key_ids",
                &self
                    .audit_chain_keys
                    .iter()
                    .map(|(id, _)| id)
                    .collect::<Vec<_>>(),
            )
            .field(
                "encryption_key_ids",
                &self
                    .encryption_keys
                    .iter()
                    .map(|(id, _)| id)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Everything wrong with the environment, one line per variable.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "The server configuration is invalid:")?;
        for problem in &self.problems {
            writeln!(f, "  - {problem}")?;
        }
        write!(
            f,
            "Set these in the environment or in .env (see README.md)."
        )
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds the configuration from any source of variables (tests pass a map).
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut r = Reader::new(&var);
        let environment = sections::environment(&mut r);
        let stores = sections::stores(&mut r);
        let jobs = sections::jobs(&mut r);
        let trusted_proxies = sections::trusted_proxies(&mut r);
        let encryption_keys = sections::encryption_keys(&mut r);
        let audit_chain_keys = sections::audit_chain_keys(&mut r);
        let database_app_role = sections::database_app_role(&mut r);
        let mail = sections::mail(&mut r, environment);
        let organisation_logo_url = sections::organisation_logo_url(&mut r);
        let files = crate::files::config::FileConfig::from_lookup(
            &|name| reader::trimmed(&var, name),
            environment,
            &mut r.problems,
        );
        let password_hashing = sections::password_hashing(&mut r);
        let jobs_keep_days = r.number("JOBS_KEEP_DAYS", 1..=3650, 14);
        let public_url = sections::public_url(&mut r, environment);
        let vapid = sections::vapid(&mut r, &mail.mail_from);
        let organisation_name = r
            .get("ORGANISATION_NAME")
            .unwrap_or_else(|| "CareTrack Demo Care Ltd".to_owned());
        let log_filter = r
            .get("RUST_LOG")
            .unwrap_or_else(|| "info,sqlx=warn,tower_http=info,leptos_axum=warn".to_owned());
        let log_format = sections::log_format(&mut r, environment);
        let metrics_token = r.get("METRICS_TOKEN").map(SecretString::from);

        if !r.problems.is_empty() {
            return Err(ConfigError {
                problems: r.problems,
            });
        }
        Ok(Self {
            environment,
            database_url: stores.database_url.into(),
            database_max_connections: stores.database_max_connections,
            database_app_role,
            redis_url: stores.redis_url.into(),
            organisation_name,
            public_url,
            migrate_on_start: jobs.migrate_on_start,
            worker_concurrency: jobs.worker_concurrency,
            scheduler_enabled: jobs.scheduler_enabled,
            job_lease: jobs.job_lease,
            jobs_keep_days,
            worker_metrics_addr: jobs.worker_metrics_addr,
            trusted_proxies,
            metrics_token,
            smtp_url: mail.smtp_url,
            mail_from: mail.mail_from,
            mail_dir: mail.mail_dir,
            organisation_logo_url,
            log_filter,
            log_format,
            files,
            password_hashing,
            encryption_keys,
            audit_chain_keys,
            vapid,
        })
    }

    pub fn app_settings(&self) -> AppSettings {
        AppSettings {
            environment: self.environment,
            organisation_name: self.organisation_name.clone(),
            public_url: self.public_url.clone(),
            push_public_key: self
                .vapid
                .as_ref()
                .map(|vapid| vapid.public_key().to_owned()),
        }
    }

    /// SMTP when `SMTP_URL` is set, the development mailbox directory otherwise.
    pub fn mailer(&self) -> Result<crate::mail::Mailer, String> {
        let brand = crate::mail::Brand {
            organisation_name: self.organisation_name.clone(),
            logo_url: self.organisation_logo_url.clone(),
        };
        match &self.smtp_url {
            Some(url) => {
                crate::mail::Mailer::smtp(url.expose_secret(), self.mail_from.clone(), brand)
            }
            None => Ok(crate::mail::Mailer::directory(
                self.mail_dir.clone(),
                self.mail_from.clone(),
                brand,
            )),
        }
    }

    /// A key for one purpose, derived from the current data key (HMAC-SHA256 over the
    /// purpose's label), so every instance sharing the configuration agrees on it and
    /// no two purposes share a key.
    fn derived_key(&self, purpose: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let (_, key) = self.encryption_keys.first().expect("validated at load");
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.expose_secret())
            .expect("HMAC takes any key length");
        mac.update(b"caretrack: ");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Signs local-disk download URLs.
    pub fn url_signing_key(&self) -> [u8; 32] {
        self.derived_key("local file download urls")
    }

    /// Keys, hashing and cookie settings for signing in. Rotating the first data key
    /// signs everybody out of their access tokens (refresh tokens carry on).
    pub fn auth_config(&self) -> Result<AuthConfig, String> {
        Ok(AuthConfig {
            jwt: JwtKeys::new(&self.derived_key("access tokens")),
            hasher: std::sync::Arc::new(PasswordHasher::new(self.password_hashing)?),
            secure_cookies: self.environment == Environment::Production,
            refresh_reuse_grace: time::Duration::seconds(10),
        })
    }

    /// The keys that sign the audit chain (`app::audit::chain`).
    pub fn audit_chain_keys(&self) -> app::audit::chain::ChainKeys {
        app::audit::chain::ChainKeys::new(
            self.audit_chain_keys
                .iter()
                .map(|(id, key)| (id.clone(), *key.expose_secret()))
                .collect(),
        )
        .expect("validated at load: at least one key is configured")
    }

    pub fn field_cipher(&self) -> FieldCipher {
        FieldCipher::new(
            self.encryption_keys
                .iter()
                .map(|(id, key)| (id.clone(), *key.expose_secret()))
                .collect(),
        )
        .expect("validated at load: at least one key is configured")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="; // 32 bytes

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    fn valid() -> Vec<(&'static str, &'static str)> {
        vec![
            (
                "DATABASE_URL",
                "postgres://caretrack:s3cret-pw@127.0.0.1:5432/caretrack",
            ),
            ("REDIS_URL", "redis://127.0.0.1:6379/0"),
            (
                "DATA_ENCRYPTION_KEYS",
                "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            ),
            (
                "AUDIT_CHAIN_KEYS",
                "a1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            ),
        ]
    }

    #[test]
    fn a_complete_environment_loads_with_defaults() {
        let config = load(&valid()).unwrap();
        assert_eq!(config.environment, Environment::Development);
        assert_eq!(config.database_max_connections, 10);
        assert!(config.migrate_on_start);
        assert_eq!(config.worker_concurrency, 4);
        assert!(config.scheduler_enabled);
        assert_eq!(config.job_lease, std::time::Duration::from_secs(60));
        assert_eq!(config.jobs_keep_days, 14);
        assert_eq!(config.worker_metrics_addr, None);
        assert!(config.trusted_proxies.is_empty());
        assert_eq!(config.field_cipher().current_key_id(), "k1");
        assert_eq!(config.audit_chain_keys().current().0, "a1");
        assert_eq!(config.database_app_role.as_deref(), Some("caretrack_app"));
    }

    #[test]
    fn every_missing_variable_is_named_at_once() {
        let err = load(&[]).unwrap_err();
        let text = err.to_string();
        for name in [
            "DATABASE_URL",
            "REDIS_URL",
            "DATA_ENCRYPTION_KEYS",
            "AUDIT_CHAIN_KEYS",
        ] {
            assert!(text.contains(name), "{name} not named in:\n{text}");
        }
        assert_eq!(err.problems.len(), 4);
    }

    #[test]
    fn invalid_values_are_explained_without_echoing_secrets() {
        let mut vars = valid();
        vars[0] = ("DATABASE_URL", "mysql://root:hunter2@db/x");
        vars.push(("APP_ENV", "staging"));
        vars.push(("DATABASE_MAX_CONNECTIONS", "0"));
        vars.push(("WORKER_CONCURRENCY", "lots"));
        vars.push(("SCHEDULER_ENABLED", "maybe"));
        vars.push(("JOB_LEASE_SECONDS", "0"));
        vars.push(("JOBS_KEEP_DAYS", "0"));
        vars.push(("WORKER_METRICS_ADDR", "9100"));
        vars.push(("TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal"));
        let err = load(&vars).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("APP_ENV must be development, test or production"));
        assert!(text.contains("DATABASE_MAX_CONNECTIONS"));
        assert!(text.contains("WORKER_CONCURRENCY must be a whole number from 0 to 64"));
        assert!(text.contains("SCHEDULER_ENABLED must be true or false"));
        assert!(text.contains("JOB_LEASE_SECONDS must be a whole number from 1 to 3600"));
        assert!(text.contains("JOBS_KEEP_DAYS must be a whole number from 1 to 3650"));
        assert!(text.contains("WORKER_METRICS_ADDR must be an address and port"));
        assert!(text.contains(
            "TRUSTED_PROXIES must be comma-separated IP addresses or CIDR ranges of your reverse proxies (e.g. 10.0.0.0/8,192.0.2.7): \"proxy.internal\" is not an IP address"
        ));
        assert!(text.contains("DATABASE_URL must start with postgres://"));
        assert!(!text.contains("hunter2"), "a password leaked into:\n{text}");
    }

    #[test]
    fn debug_output_redacts_secrets() {
        let config = load(&valid()).unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cret-pw"));
        assert!(!debug.contains(KEY));
        assert!(debug.contains("k1"));
    }

    #[test]
    fn encryption_keys_must_be_32_bytes_with_unique_ids() {
        let mut vars = valid();
        vars[2] = ("DATA_ENCRYPTION_KEYS", "k1:c2hvcnQ=");
        assert!(
            load(&vars)
                .unwrap_err()
                .to_string()
                .contains("must be 32 bytes (got 5)")
        );
        vars[2] = (
            "DATA_ENCRYPTION_KEYS",
            "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=,k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        );
        assert!(
            load(&vars)
                .unwrap_err()
                .to_string()
                .contains("appears twice")
        );
        vars[2] = ("DATA_ENCRYPTION_KEYS", "just-a-key");
        assert!(
            load(&vars)
                .unwrap_err()
                .to_string()
                .contains("id:base64key")
        );
    }

    // The pooled SMTP transport starts its pool on the Tokio runtime.
    #[tokio::test]
    async fn production_is_recognised_and_needs_smtp() {
        let mut vars = valid();
        vars.push(("APP_ENV", "Production"));
        vars.push(("PUBLIC_URL", "https://care.example/"));
        let err = load(&vars).unwrap_err();
        assert_eq!(err.problems.len(), 2, "{:?}", err.problems);
        assert!(err.problems[0].starts_with("SMTP_URL is required in production"));
        assert!(err.problems[1].starts_with("S3_BUCKET is required in production"));
        vars.push(("SMTP_URL", "smtps://mailer:pw@smtp.example.com:465"));
        vars.push(("S3_BUCKET", "caretrack-files"));
        assert!(load(&vars).unwrap_err().problems[0].starts_with("S3_ACCESS_KEY_ID is required"));
        vars.push(("S3_ACCESS_KEY_ID", "AKIAEXAMPLE"));
        vars.push(("S3_SECRET_ACCESS_KEY", "s3-secret-value"));
        let config = load(&vars).unwrap();
        assert!(!format!("{config:?}").contains("s3-secret-value"));
        assert_eq!(
            config.public_url, "https://care.example",
            "trailing slash removed"
        );
        assert_eq!(config.environment, Environment::Production);
        assert!(config.mailer().unwrap().directory_path().is_none());
        assert!(!format!("{config:?}").contains("mailer:pw"));
    }

    #[test]
    fn mail_settings_are_validated() {
        let config = load(&valid()).unwrap();
        assert_eq!(
            config.mail_from.to_string(),
            "CareTrack Pro <no-reply@caretrack.invalid>"
        );
        assert!(config.mailer().unwrap().directory_path().is_some());
        let mut vars = valid();
        vars.push(("MAIL_FROM", "not an address"));
        vars.push(("ORGANISATION_LOGO_URL", "logo.png"));
        let text = load(&vars).unwrap_err().to_string();
        assert!(text.contains("MAIL_FROM must be an address"));
        assert!(text.contains("ORGANISATION_LOGO_URL must be an absolute"));
    }

    #[test]
    fn proxies_retention_and_the_worker_listener_are_read() {
        let mut vars = valid();
        vars.push(("TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32"));
        vars.push(("JOBS_KEEP_DAYS", "30"));
        vars.push(("WORKER_METRICS_ADDR", "0.0.0.0:9100"));
        let config = load(&vars).unwrap();
        assert!(
            config
                .trusted_proxies
                .trusts("10.20.30.40".parse().unwrap())
        );
        assert!(!config.trusted_proxies.trusts("192.0.2.1".parse().unwrap()));
        assert_eq!(config.jobs_keep_days, 30);
        assert_eq!(
            config.worker_metrics_addr,
            Some("0.0.0.0:9100".parse().unwrap())
        );
        assert!(format!("{config:?}").contains("10.0.0.0/8,2001:db8::/32"));
    }
}
