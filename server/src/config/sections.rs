//! The configuration's sections, each read by a small reader sharing one problem
//! collector (`Reader`): where the server runs, its stores, jobs, mail, keys and logs.

use super::reader::Reader;
use app::{auth::passwords::HashParams, crypto::KEY_BYTES, state::Environment};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use secrecy::{SecretBox, SecretString};
use std::time::Duration;

pub fn environment(r: &mut Reader) -> Environment {
    match r.get("APP_ENV") {
        None => Environment::Development,
        Some(raw) => Environment::parse(&raw).unwrap_or_else(|| {
            r.problem(format!(
                "APP_ENV must be development, test or production (got {raw:?})"
            ));
            Environment::Development
        }),
    }
}

/// The PostgreSQL URL and pool size, and the Redis URL.
pub struct Stores {
    pub database_url: String,
    pub database_max_connections: u32,
    pub redis_url: String,
}

pub fn stores(r: &mut Reader) -> Stores {
    let database_url = r.required(
        "DATABASE_URL",
        "DATABASE_URL is missing: the PostgreSQL URL, e.g. postgres://user@host:5432/caretrack",
    );
    if !database_url.is_empty()
        && !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://"))
    {
        // Never echo the value: it may hold a password.
        r.problem("DATABASE_URL must start with postgres:// or postgresql://");
    }
    let database_max_connections = r.number("DATABASE_MAX_CONNECTIONS", 1..=500, 10);
    let redis_url = r.required(
        "REDIS_URL",
        "REDIS_URL is missing: the Redis URL, e.g. redis://127.0.0.1:6379/0",
    );
    if !redis_url.is_empty() && redis::Client::open(redis_url.as_str()).is_err() {
        r.problem("REDIS_URL is not a valid Redis URL (redis://host:port/db)");
    }
    Stores {
        database_url,
        database_max_connections,
        redis_url,
    }
}

/// Migrations at start, the scheduler and the job workers.
pub struct Jobs {
    pub migrate_on_start: bool,
    pub scheduler_enabled: bool,
    pub worker_concurrency: usize,
    pub job_lease: Duration,
    pub worker_metrics_addr: Option<std::net::SocketAddr>,
}

pub fn jobs(r: &mut Reader) -> Jobs {
    Jobs {
        migrate_on_start: r.flag("MIGRATE_ON_START", true),
        scheduler_enabled: r.flag("SCHEDULER_ENABLED", true),
        worker_concurrency: r.number("WORKER_CONCURRENCY", 0..=64, 4),
        job_lease: Duration::from_secs(r.number("JOB_LEASE_SECONDS", 1..=3600, 60)),
        worker_metrics_addr: r.parsed("WORKER_METRICS_ADDR", |raw| {
            raw.parse().map_err(|_| {
                format!(
                    "WORKER_METRICS_ADDR must be an address and port to listen on, e.g. 0.0.0.0:9100 (got {raw:?})"
                )
            })
        }),
    }
}

pub fn trusted_proxies(r: &mut Reader) -> crate::client_ip::TrustedProxies {
    r.parsed("TRUSTED_PROXIES", |raw| {
        crate::client_ip::TrustedProxies::parse(raw).map_err(|problem| {
            format!(
                "TRUSTED_PROXIES must be comma-separated IP addresses or CIDR ranges of your reverse proxies (e.g. 10.0.0.0/8,192.0.2.7): {problem}"
            )
        })
    })
    .unwrap_or_else(crate::client_ip::TrustedProxies::none)
}

pub type Keys = Vec<(String, SecretBox<[u8; KEY_BYTES]>)>;

pub fn encryption_keys(r: &mut Reader) -> Keys {
    if r.get("DATA_ENCRYPTION_KEYS").is_none() {
        r.problem(
            "DATA_ENCRYPTION_KEYS is missing: comma-separated id:base64 pairs of 32-byte keys, \
             the first used for new data (generate one with `openssl rand -base64 32`)",
        );
        return Vec::new();
    }
    r.parsed("DATA_ENCRYPTION_KEYS", parse_keys)
        .unwrap_or_default()
}

/// The keys the audit chain is signed with (`AUDIT_CHAIN_KEYS`, the first signs new
/// rows). Kept apart from the data keys: they live as long as the audit log does.
pub fn audit_chain_keys(r: &mut Reader) -> Keys {
    if r.get("AUDIT_CHAIN_KEYS").is_none() {
        r.problem(
            "AUDIT_CHAIN_KEYS is missing: comma-separated id:base64 pairs of 32-byte keys that \
             sign the audit log, the first used for new rows (generate one with `openssl rand -base64 32`)",
        );
        return Vec::new();
    }
    r.parsed("AUDIT_CHAIN_KEYS", |raw| {
        parse_named_keys("AUDIT_CHAIN_KEYS", raw)
    })
    .unwrap_or_default()
}

/// The role the server's connections act as (`DATABASE_APP_ROLE`, default
/// `caretrack_app`, made by the migrations); empty: the connecting user's own rights.
pub fn database_app_role(r: &mut Reader) -> Option<String> {
    // Set but empty means "none" (a database where the migrations could not make it).
    let role = match (r.var)("DATABASE_APP_ROLE") {
        None => "caretrack_app".to_owned(),
        Some(role) => role.trim().to_owned(),
    };
    if role.is_empty() {
        return None;
    }
    if !role
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        r.problem("DATABASE_APP_ROLE must be a role name of lower-case letters, digits and _");
        return None;
    }
    Some(role)
}

/// How mail goes out: SMTP (required in production) or files in a directory.
pub struct Mail {
    pub smtp_url: Option<SecretString>,
    pub mail_from: lettre::message::Mailbox,
    pub mail_dir: std::path::PathBuf,
}

pub fn mail(r: &mut Reader, environment: Environment) -> Mail {
    let smtp_url = r.get("SMTP_URL");
    if smtp_url.is_none() && environment == Environment::Production {
        r.problem(
            "SMTP_URL is required in production: e.g. smtp://user:password@smtp.example.com:587?tls=required",
        );
    }
    let mail_from = r
        .get("MAIL_FROM")
        .unwrap_or_else(|| "CareTrack Pro <no-reply@caretrack.invalid>".to_owned());
    let mail_from = mail_from.parse::<lettre::message::Mailbox>().unwrap_or_else(|_| {
        r.problem(format!(
            "MAIL_FROM must be an address like \"Sunrise Care <rota@sunrise-care.co.uk>\" (got {mail_from:?})"
        ));
        "CareTrack Pro <no-reply@caretrack.invalid>".parse().expect("valid default")
    });
    Mail {
        smtp_url: smtp_url.map(SecretString::from),
        mail_from,
        mail_dir: std::path::PathBuf::from(
            r.get("MAIL_DIR").unwrap_or_else(|| ".data/mail".to_owned()),
        ),
    }
}

pub fn organisation_logo_url(r: &mut Reader) -> String {
    let url = r.get("ORGANISATION_LOGO_URL").unwrap_or_default();
    if !url.is_empty() && !url.starts_with("https://") && !url.starts_with("http://") {
        r.problem("ORGANISATION_LOGO_URL must be an absolute http(s) URL");
    }
    url
}

pub fn password_hashing(r: &mut Reader) -> HashParams {
    let defaults = HashParams::default();
    HashParams {
        memory_kib: r.number("ARGON2_MEMORY_KIB", 1024..=1_048_576, defaults.memory_kib),
        iterations: r.number("ARGON2_ITERATIONS", 1..=20, defaults.iterations),
        parallelism: r.number("ARGON2_PARALLELISM", 1..=16, defaults.parallelism),
    }
}

/// The address people reach the server at (links in emails, the calendar feed).
pub fn public_url(r: &mut Reader, environment: Environment) -> String {
    let public_url = r
        .get("PUBLIC_URL")
        .unwrap_or_else(|| {
            format!(
                "http://{}",
                r.get("LEPTOS_SITE_ADDR")
                    .unwrap_or_else(|| "127.0.0.1:3000".to_owned())
            )
        })
        .trim_end_matches('/')
        .to_owned();
    if !(public_url.starts_with("https://") || public_url.starts_with("http://")) {
        r.problem(format!(
            "PUBLIC_URL must be an absolute http(s) URL (got {public_url:?})"
        ));
    } else if environment == Environment::Production && !public_url.starts_with("https://") {
        r.problem("PUBLIC_URL must use https:// in production");
    }
    public_url
}

/// Web Push's signing key and the contact push services see (none: push is off).
pub fn vapid(
    r: &mut Reader,
    mail_from: &lettre::message::Mailbox,
) -> Option<std::sync::Arc<crate::push::crypto::Vapid>> {
    let subject = r
        .get("VAPID_SUBJECT")
        .unwrap_or_else(|| format!("mailto:{}", mail_from.email));
    if !(subject.starts_with("mailto:") || subject.starts_with("https://")) {
        r.problem(format!(
            "VAPID_SUBJECT must be a mailto: or https: URL where push services can reach you (got {subject:?})"
        ));
    }
    r.parsed("VAPID_PRIVATE_KEY", |key| {
        crate::push::crypto::Vapid::new(key, subject)
            .map(std::sync::Arc::new)
            .map_err(|_| {
                "VAPID_PRIVATE_KEY must be a base64url P-256 private key: make one with `server keys vapid`"
                    .to_owned()
            })
    })
}

pub fn log_format(r: &mut Reader, environment: Environment) -> crate::telemetry::LogFormat {
    use crate::telemetry::LogFormat;
    match r.get("LOG_FORMAT").as_deref() {
        None if environment == Environment::Production => LogFormat::Json,
        None | Some("text") => LogFormat::Text,
        Some("json") => LogFormat::Json,
        Some(other) => {
            r.problem(format!("LOG_FORMAT must be json or text, not {other:?}"));
            LogFormat::Text
        }
    }
}

pub fn parse_keys(raw: &str) -> Result<Keys, String> {
    parse_named_keys("DATA_ENCRYPTION_KEYS", raw)
}

/// `id:base64` pairs of 32-byte keys, comma-separated, as the variable `name` holds them.
pub fn parse_named_keys(name: &str, raw: &str) -> Result<Keys, String> {
    let mut keys: Keys = Vec::new();
    for (position, entry) in raw.split(',').map(str::trim).enumerate() {
        let n = position + 1;
        let Some((id, encoded)) = entry.split_once(':') else {
            return Err(format!("{name} entry {n} must look like id:base64key"));
        };
        let id = id.trim();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "{name} entry {n}: the key id must be letters, digits, - or _"
            ));
        }
        if keys.iter().any(|(existing, _)| existing == id) {
            return Err(format!("{name}: key id {id:?} appears twice"));
        }
        let bytes = BASE64
            .decode(encoded.trim())
            .map_err(|_| format!("{name} entry {n} ({id}): the key is not valid base64"))?;
        let key: [u8; KEY_BYTES] = bytes.try_into().map_err(|bytes: Vec<u8>| {
            format!(
                "{name} entry {n} ({id}): the key must be {KEY_BYTES} bytes (got {})",
                bytes.len()
            )
        })?;
        keys.push((id.to_owned(), SecretBox::new(Box::new(key))));
    }
    Ok(keys)
}
