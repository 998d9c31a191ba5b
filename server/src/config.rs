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
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use std::fmt;

pub struct Config {
    pub environment: Environment,
    pub database_url: SecretString,
    pub database_max_connections: u32,
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
        let mut problems = Vec::new();
        let get = |name: &str| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let environment = match get("APP_ENV") {
            None => Environment::Development,
            Some(raw) => Environment::parse(&raw).unwrap_or_else(|| {
                problems.push(format!(
                    "APP_ENV must be development, test or production (got {raw:?})"
                ));
                Environment::Development
            }),
        };

        let database_url = get("DATABASE_URL").unwrap_or_else(|| {
            problems.push(
                "DATABASE_URL is missing: the PostgreSQL URL, e.g. postgres://user@host:5432/caretrack"
                    .into(),
            );
            String::new()
        });
        if !database_url.is_empty()
            && !(database_url.starts_with("postgres://")
                || database_url.starts_with("postgresql://"))
        {
            // Never echo the value: it may hold a password.
            problems.push("DATABASE_URL must start with postgres:// or postgresql://".into());
        }

        let database_max_connections = match get("DATABASE_MAX_CONNECTIONS") {
            None => 10,
            Some(raw) => match raw.parse::<u32>() {
                Ok(n) if (1..=500).contains(&n) => n,
                _ => {
                    problems.push(format!(
                        "DATABASE_MAX_CONNECTIONS must be a whole number from 1 to 500 (got {raw:?})"
                    ));
                    10
                }
            },
        };

        let redis_url = get("REDIS_URL").unwrap_or_else(|| {
            problems
                .push("REDIS_URL is missing: the Redis URL, e.g. redis://127.0.0.1:6379/0".into());
            String::new()
        });
        if !redis_url.is_empty() && redis::Client::open(redis_url.as_str()).is_err() {
            problems.push("REDIS_URL is not a valid Redis URL (redis://host:port/db)".into());
        }

        let mut flag = |name: &str, default: bool| match get(name).as_deref() {
            None => default,
            Some("true" | "1" | "yes") => true,
            Some("false" | "0" | "no") => false,
            Some(raw) => {
                problems.push(format!("{name} must be true or false (got {raw:?})"));
                default
            }
        };
        let migrate_on_start = flag("MIGRATE_ON_START", true);
        let scheduler_enabled = flag("SCHEDULER_ENABLED", true);

        let worker_concurrency = match get("WORKER_CONCURRENCY") {
            None => 4,
            Some(raw) => match raw.parse::<usize>() {
                Ok(n) if n <= 64 => n,
                _ => {
                    problems.push(format!(
                        "WORKER_CONCURRENCY must be a whole number from 0 to 64 (got {raw:?})"
                    ));
                    4
                }
            },
        };

        let job_lease = match get("JOB_LEASE_SECONDS") {
            None => std::time::Duration::from_secs(60),
            Some(raw) => match raw.parse::<u64>() {
                Ok(n) if (1..=3600).contains(&n) => std::time::Duration::from_secs(n),
                _ => {
                    problems.push(format!(
                        "JOB_LEASE_SECONDS must be a whole number from 1 to 3600 (got {raw:?})"
                    ));
                    std::time::Duration::from_secs(60)
                }
            },
        };

        let worker_metrics_addr = get("WORKER_METRICS_ADDR").and_then(|raw| {
            raw.parse::<std::net::SocketAddr>()
                .map_err(|_| {
                    problems.push(format!(
                        "WORKER_METRICS_ADDR must be an address and port to listen on, e.g. 0.0.0.0:9100 (got {raw:?})"
                    ))
                })
                .ok()
        });

        let trusted_proxies = match get("TRUSTED_PROXIES") {
            None => crate::client_ip::TrustedProxies::none(),
            Some(raw) => crate::client_ip::TrustedProxies::parse(&raw).unwrap_or_else(|problem| {
                problems.push(format!(
                    "TRUSTED_PROXIES must be comma-separated IP addresses or CIDR ranges of your reverse proxies (e.g. 10.0.0.0/8,192.0.2.7): {problem}"
                ));
                crate::client_ip::TrustedProxies::none()
            }),
        };

        let encryption_keys = match get("DATA_ENCRYPTION_KEYS") {
            None => {
                problems.push(
                    "DATA_ENCRYPTION_KEYS is missing: comma-separated id:base64 pairs of 32-byte keys, \
                     the first used for new data (generate one with `openssl rand -base64 32`)"
                        .into(),
                );
                Vec::new()
            }
            Some(raw) => parse_keys(&raw).unwrap_or_else(|problem| {
                problems.push(problem);
                Vec::new()
            }),
        };

        let smtp_url = get("SMTP_URL");
        if smtp_url.is_none() && environment == Environment::Production {
            problems.push(
                "SMTP_URL is required in production: e.g. smtp://user:password@smtp.example.com:587?tls=required"
                    .into(),
            );
        }
        let mail_from = get("MAIL_FROM")
            .unwrap_or_else(|| "CareTrack Pro <no-reply@caretrack.invalid>".to_owned());
        let mail_from = mail_from.parse::<lettre::message::Mailbox>().unwrap_or_else(|_| {
            problems.push(format!(
                "MAIL_FROM must be an address like \"Sunrise Care <rota@sunrise-care.co.uk>\" (got {mail_from:?})"
            ));
            "CareTrack Pro <no-reply@caretrack.invalid>".parse().expect("valid default")
        });
        let mail_dir =
            std::path::PathBuf::from(get("MAIL_DIR").unwrap_or_else(|| ".data/mail".to_owned()));
        let organisation_logo_url = get("ORGANISATION_LOGO_URL").unwrap_or_default();
        if !organisation_logo_url.is_empty()
            && !organisation_logo_url.starts_with("https://")
            && !organisation_logo_url.starts_with("http://")
        {
            problems.push("ORGANISATION_LOGO_URL must be an absolute http(s) URL".into());
        }

        let files = crate::files::config::FileConfig::from_lookup(&get, environment, &mut problems);
        let mut bounded =
            |name: &str, range: std::ops::RangeInclusive<u32>, default: u32| match get(name) {
                None => default,
                Some(raw) => match raw.parse::<u32>() {
                    Ok(n) if range.contains(&n) => n,
                    _ => {
                        problems.push(format!(
                            "{name} must be a whole number from {} to {} (got {raw:?})",
                            range.start(),
                            range.end()
                        ));
                        default
                    }
                },
            };
        let defaults = HashParams::default();
        let password_hashing = HashParams {
            memory_kib: bounded("ARGON2_MEMORY_KIB", 1024..=1_048_576, defaults.memory_kib),
            iterations: bounded("ARGON2_ITERATIONS", 1..=20, defaults.iterations),
            parallelism: bounded("ARGON2_PARALLELISM", 1..=16, defaults.parallelism),
        };
        let jobs_keep_days = bounded("JOBS_KEEP_DAYS", 1..=3650, 14);

        let public_url = get("PUBLIC_URL")
            .unwrap_or_else(|| {
                format!(
                    "http://{}",
                    get("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".to_owned())
                )
            })
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("https://") || public_url.starts_with("http://")) {
            problems.push(format!(
                "PUBLIC_URL must be an absolute http(s) URL (got {public_url:?})"
            ));
        } else if environment == Environment::Production && !public_url.starts_with("https://") {
            problems.push("PUBLIC_URL must use https:// in production".into());
        }

        let vapid_subject =
            get("VAPID_SUBJECT").unwrap_or_else(|| format!("mailto:{}", mail_from.email));
        if !(vapid_subject.starts_with("mailto:") || vapid_subject.starts_with("https://")) {
            problems.push(format!(
                "VAPID_SUBJECT must be a mailto: or https: URL where push services can reach you (got {vapid_subject:?})"
            ));
        }
        let vapid = get("VAPID_PRIVATE_KEY").and_then(|key| {
            crate::push::crypto::Vapid::new(&key, vapid_subject)
                .map(std::sync::Arc::new)
                .map_err(|_| {
                    problems.push(
                        "VAPID_PRIVATE_KEY must be a base64url P-256 private key: make one with `server keys vapid`"
                            .into(),
                    )
                })
                .ok()
        });

        let organisation_name =
            get("ORGANISATION_NAME").unwrap_or_else(|| "CareTrack Demo Care Ltd".to_owned());
        let log_filter = get("RUST_LOG")
            .unwrap_or_else(|| "info,sqlx=warn,tower_http=info,leptos_axum=warn".to_owned());
        let log_format = match get("LOG_FORMAT").as_deref() {
            None if environment == Environment::Production => crate::telemetry::LogFormat::Json,
            None | Some("text") => crate::telemetry::LogFormat::Text,
            Some("json") => crate::telemetry::LogFormat::Json,
            Some(other) => {
                problems.push(format!("LOG_FORMAT must be json or text, not {other:?}"));
                crate::telemetry::LogFormat::Text
            }
        };

        if !problems.is_empty() {
            return Err(ConfigError { problems });
        }
        Ok(Self {
            environment,
            database_url: database_url.into(),
            database_max_connections,
            redis_url: redis_url.into(),
            organisation_name,
            public_url,
            migrate_on_start,
            worker_concurrency,
            scheduler_enabled,
            job_lease,
            jobs_keep_days,
            worker_metrics_addr,
            trusted_proxies,
            metrics_token: get("METRICS_TOKEN").map(SecretString::from),
            smtp_url: smtp_url.map(SecretString::from),
            mail_from,
            mail_dir,
            organisation_logo_url,
            log_filter,
            log_format,
            files,
            password_hashing,
            encryption_keys,
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

type Keys = Vec<(String, SecretBox<[u8; KEY_BYTES]>)>;

fn parse_keys(raw: &str) -> Result<Keys, String> {
    let mut keys: Keys = Vec::new();
    for (position, entry) in raw.split(',').map(str::trim).enumerate() {
        let n = position + 1;
        let Some((id, encoded)) = entry.split_once(':') else {
            return Err(format!(
                "DATA_ENCRYPTION_KEYS entry {n} must look like id:base64key"
            ));
        };
        let id = id.trim();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "DATA_ENCRYPTION_KEYS entry {n}: the key id must be letters, digits, - or _"
            ));
        }
        if keys.iter().any(|(existing, _)| existing == id) {
            return Err(format!("DATA_ENCRYPTION_KEYS: key id {id:?} appears twice"));
        }
        let bytes = BASE64.decode(encoded.trim()).map_err(|_| {
            format!("DATA_ENCRYPTION_KEYS entry {n} ({id}): the key is not valid base64")
        })?;
        let key: [u8; KEY_BYTES] = bytes.try_into().map_err(|bytes: Vec<u8>| {
            format!(
                "DATA_ENCRYPTION_KEYS entry {n} ({id}): the key must be {KEY_BYTES} bytes (got {})",
                bytes.len()
            )
        })?;
        keys.push((id.to_owned(), SecretBox::new(Box::new(key))));
    }
    Ok(keys)
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
    }

    #[test]
    fn every_missing_variable_is_named_at_once() {
        let err = load(&[]).unwrap_err();
        let text = err.to_string();
        for name in ["DATABASE_URL", "REDIS_URL", "DATA_ENCRYPTION_KEYS"] {
            assert!(text.contains(name), "{name} not named in:\n{text}");
        }
        assert_eq!(err.problems.len(), 3);
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
