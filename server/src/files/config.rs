//! File storage configuration: S3 when `S3_BUCKET` is set, a local directory otherwise
//! (development and test only).

use super::{local::LocalStore, s3::S3Store};
use app::{
    files::{FileStorage, ObjectStore},
    state::Environment,
};
use secrecy::{ExposeSecret, SecretString};
use std::{path::PathBuf, sync::Arc, time::Duration};

pub struct S3Settings {
    /// Empty for AWS itself; the URL of any S3-compatible service otherwise.
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    pub force_path_style: bool,
}

pub enum Backend {
    S3(S3Settings),
    Local { dir: PathBuf },
}

pub struct FileConfig {
    pub backend: Backend,
    pub url_ttl: Duration,
    /// `host:port` of a ClamAV daemon; uploads are quarantined until it passes them.
    pub clamd_addr: Option<String>,
}

impl FileConfig {
    pub fn from_lookup(
        get: &dyn Fn(&str) -> Option<String>,
        environment: Environment,
        problems: &mut Vec<String>,
    ) -> Self {
        let backend = match get("S3_BUCKET") {
            Some(bucket) => {
                let endpoint = get("S3_ENDPOINT");
                if let Some(url) = &endpoint
                    && !(url.starts_with("https://") || url.starts_with("http://"))
                {
                    problems.push(format!("S3_ENDPOINT must be an http(s) URL (got {url:?})"));
                }
                let mut required = |name: &str| {
                    get(name).unwrap_or_else(|| {
                        problems.push(format!("{name} is required when S3_BUCKET is set"));
                        String::new()
                    })
                };
                let access_key_id = required("S3_ACCESS_KEY_ID");
                let secret_access_key = SecretString::from(required("S3_SECRET_ACCESS_KEY"));
                let force_path_style = match get("S3_FORCE_PATH_STYLE").as_deref() {
                    None => endpoint.is_some(),
                    Some("true" | "1" | "yes") => true,
                    Some("false" | "0" | "no") => false,
                    Some(raw) => {
                        problems.push(format!(
                            "S3_FORCE_PATH_STYLE must be true or false (got {raw:?})"
                        ));
                        true
                    }
                };
                Backend::S3(S3Settings {
                    endpoint,
                    region: get("S3_REGION").unwrap_or_else(|| "eu-west-2".to_owned()),
                    bucket,
                    access_key_id,
                    secret_access_key,
                    force_path_style,
                })
            }
            None => {
                if environment == Environment::Production {
                    problems.push(
                        "S3_BUCKET is required in production (with S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, \
                         and S3_ENDPOINT for a non-AWS store)"
                            .into(),
                    );
                }
                Backend::Local {
                    dir: PathBuf::from(
                        get("FILES_DIR").unwrap_or_else(|| ".data/files".to_owned()),
                    ),
                }
            }
        };
        let url_ttl = match get("FILE_URL_TTL_SECONDS") {
            None => Duration::from_secs(300),
            Some(raw) => match raw.parse::<u64>() {
                Ok(n) if (10..=3600).contains(&n) => Duration::from_secs(n),
                _ => {
                    problems.push(format!(
                        "FILE_URL_TTL_SECONDS must be a whole number from 10 to 3600 (got {raw:?})"
                    ));
                    Duration::from_secs(300)
                }
            },
        };
        Self {
            backend,
            url_ttl,
            clamd_addr: get("CLAMD_ADDR"),
        }
    }

    /// The local store, when files are kept on local disk (its download route is then
    /// mounted). `url_key` signs its download URLs.
    pub fn local_store(&self, url_key: [u8; 32]) -> Option<Arc<LocalStore>> {
        match &self.backend {
            Backend::Local { dir } => Some(Arc::new(LocalStore::new(dir.clone(), url_key))),
            Backend::S3(_) => None,
        }
    }

    /// The S3 store, when files are kept in S3.
    pub fn s3_store(&self) -> Option<S3Store> {
        match &self.backend {
            Backend::S3(s3) => Some(S3Store::new(
                s3.endpoint.as_deref(),
                &s3.region,
                &s3.bucket,
                &s3.access_key_id,
                s3.secret_access_key.expose_secret(),
                s3.force_path_style,
            )),
            Backend::Local { .. } => None,
        }
    }

    pub fn storage(&self, url_key: [u8; 32]) -> FileStorage {
        let store: Arc<dyn ObjectStore> = match self.s3_store() {
            Some(s3) => Arc::new(s3),
            None => self.local_store(url_key).expect("local backend"),
        };
        FileStorage {
            store,
            url_ttl: self.url_ttl,
            scan_uploads: self.clamd_addr.is_some(),
        }
    }
}
