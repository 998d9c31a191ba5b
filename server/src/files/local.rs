//! The object store on local disk, for development and single-machine trials.
//!
//! Downloads work like S3 presigned URLs: `/files/local/<key>?expires=…&name=…&type=…&signature=…`
//! where the signature is an HMAC-SHA256 over the key, expiry, name and type. The route
//! serving them is mounted only when this backend is in use.

use app::files::{ObjectInfo, ObjectStore, StorageError, StoreFuture, content_disposition};
use axum::{
    Extension,
    extract::{Path, Query},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::{path::PathBuf, sync::Arc, time::Duration};
use time::OffsetDateTime;

pub struct LocalStore {
    root: PathBuf,
    url_key: [u8; 32],
}

/// The query string of a local download URL.
#[derive(Serialize, Deserialize)]
pub struct SignedQuery {
    expires: i64,
    name: String,
    #[serde(rename = "type")]
    content_type: String,
    signature: String,
}

fn io_error(operation: &str, err: std::io::Error) -> StorageError {
    StorageError::Backend(format!("{operation}: {err}"))
}

/// Keys are written by the file service, but a key is checked before it becomes a path
/// anyway: no parent directories, no absolute paths, nothing unexpected.
fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with('/')
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b))
}

impl LocalStore {
    pub fn new(root: PathBuf, url_key: [u8; 32]) -> Self {
        Self { root, url_key }
    }

    fn path(&self, key: &str) -> Result<PathBuf, StorageError> {
        if valid_key(key) {
            Ok(self.root.join(key))
        } else {
            Err(StorageError::Backend(format!("refused object key {key:?}")))
        }
    }

    fn mac(&self, key: &str, expires: i64, name: &str, content_type: &str) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.url_key).expect("HMAC takes any key length");
        for part in [key, &expires.to_string(), name, content_type] {
            mac.update(part.as_bytes());
            mac.update(&[0]);
        }
        mac
    }

    fn verify(
        &self,
        key: &str,
        query: &SignedQuery,
        now: OffsetDateTime,
    ) -> Result<(), &'static str> {
        let mac = self.mac(key, query.expires, &query.name, &query.content_type);
        let given = unhex(&query.signature).ok_or("The download link is not valid.")?;
        mac.verify_slice(&given)
            .map_err(|_| "The download link is not valid.")?;
        if now.unix_timestamp() > query.expires {
            return Err("The download link has expired. Open the file again from CareTrack.");
        }
        Ok(())
    }
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

impl ObjectStore for LocalStore {
    fn backend(&self) -> &'static str {
        "local"
    }

    fn bucket(&self) -> &str {
        "local"
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        body: Vec<u8>,
        _content_type: &'a str,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let path = self.path(key)?;
            let dir = path.parent().expect("keys have a directory");
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| io_error("create directory", e))?;
            // Write aside, then rename: a reader never sees half a file.
            let partial = path.with_extension("partial");
            tokio::fs::write(&partial, body)
                .await
                .map_err(|e| io_error("write object", e))?;
            tokio::fs::rename(&partial, &path)
                .await
                .map_err(|e| io_error("store object", e))
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Vec<u8>> {
        Box::pin(async move {
            tokio::fs::read(self.path(key)?)
                .await
                .map_err(|err| match err.kind() {
                    std::io::ErrorKind::NotFound => StorageError::NotFound(key.to_owned()),
                    _ => io_error("read object", err),
                })
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            match tokio::fs::remove_file(self.path(key)?).await {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    Err(io_error("delete object", err))
                }
                _ => Ok(()),
            }
        })
    }

    fn list<'a>(&'a self, prefix: &'a str) -> StoreFuture<'a, Vec<ObjectInfo>> {
        Box::pin(async move {
            let root = self.root.clone();
            let prefix = prefix.to_owned();
            tokio::task::spawn_blocking(move || {
                let mut found = Vec::new();
                let mut pending = vec![root.clone()];
                while let Some(dir) = pending.pop() {
                    let entries = match std::fs::read_dir(&dir) {
                        Ok(entries) => entries,
                        Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
                        Err(err) => return Err(io_error("list objects", err)),
                    };
                    for entry in entries {
                        let entry = entry.map_err(|e| io_error("list objects", e))?;
                        let meta = entry.metadata().map_err(|e| io_error("list objects", e))?;
                        if meta.is_dir() {
                            pending.push(entry.path());
                            continue;
                        }
                        let Ok(relative) = entry
                            .path()
                            .strip_prefix(&root)
                            .map(|p| p.to_string_lossy().into_owned())
                        else {
                            continue;
                        };
                        if relative.starts_with(&prefix) && !relative.ends_with(".partial") {
                            let modified =
                                meta.modified().map_err(|e| io_error("list objects", e))?;
                            found.push(ObjectInfo {
                                key: relative,
                                size: meta.len(),
                                last_modified: OffsetDateTime::from(modified),
                            });
                        }
                    }
                }
                Ok(found)
            })
            .await
            .map_err(|err| StorageError::Backend(format!("list objects: {err}")))?
        })
    }

    fn presign_get<'a>(
        &'a self,
        key: &'a str,
        content_type: &'a str,
        download_name: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, String> {
        Box::pin(async move {
            self.path(key)?;
            let expires = (OffsetDateTime::now_utc() + ttl).unix_timestamp();
            let query = SignedQuery {
                expires,
                name: download_name.to_owned(),
                content_type: content_type.to_owned(),
                signature: caretrack::text::hex(
                    &self
                        .mac(key, expires, download_name, content_type)
                        .finalize()
                        .into_bytes(),
                ),
            };
            let query = serde_urlencoded::to_string(&query)
                .map_err(|err| StorageError::Backend(format!("presign: {err}")))?;
            Ok(format!("/files/local/{key}?{query}"))
        })
    }
}

/// `GET /files/local/{*key}`: serves an object to whoever holds a valid, unexpired link.
pub async fn download(
    Extension(store): Extension<Arc<LocalStore>>,
    Path(key): Path<String>,
    Query(query): Query<SignedQuery>,
) -> Response {
    if let Err(message) = store.verify(&key, &query, OffsetDateTime::now_utc()) {
        return (StatusCode::FORBIDDEN, message).into_response();
    }
    match store.get(&key).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, query.content_type),
                (
                    header::CONTENT_DISPOSITION,
                    content_disposition(&query.name),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Err(StorageError::NotFound(_)) => {
            (StatusCode::NOT_FOUND, "The file no longer exists.").into_response()
        }
        Err(err) => {
            tracing::error!(error = %err, "local file download failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "File storage is unavailable right now.",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape_the_directory() {
        assert!(valid_key("files/avatar/0000.png"));
        for bad in [
            "../etc/passwd",
            "/etc/passwd",
            "files//x",
            "files/./x",
            "files/a b",
            "files/x?y",
            "",
        ] {
            assert!(!valid_key(bad), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn signed_links_verify_until_they_expire_and_not_when_tampered() {
        let store = LocalStore::new(PathBuf::from("/nonexistent"), [7; 32]);
        let url = store
            .presign_get(
                "files/avatar/a.png",
                "image/png",
                "me.png",
                Duration::from_secs(60),
            )
            .await
            .unwrap();
        let (path, query) = url.split_once('?').unwrap();
        let key = path.strip_prefix("/files/local/").unwrap();
        let query: SignedQuery = serde_urlencoded::from_str(query).unwrap();
        let now = OffsetDateTime::now_utc();
        assert_eq!(store.verify(key, &query, now), Ok(()));
        assert!(
            store
                .verify(key, &query, now + Duration::from_secs(61))
                .unwrap_err()
                .contains("expired")
        );
        assert!(
            store.verify("files/avatar/b.png", &query, now).is_err(),
            "another key"
        );
        let renamed = SignedQuery {
            name: "other.png".into(),
            ..query
        };
        assert!(store.verify(key, &renamed, now).is_err(), "another name");
    }
}
