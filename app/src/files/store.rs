//! The port every object store implements: S3 (any S3-compatible service) in
//! production, a directory on local disk in development. Keys are never reused: each
//! upload gets a fresh key, so a stored object is never overwritten.

use std::{future::Future, pin::Pin, time::Duration};
use time::OffsetDateTime;

pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StorageError>> + Send + 'a>>;

/// An object found by [`ObjectStore::list`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: String,
    pub size: u64,
    pub last_modified: OffsetDateTime,
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("object {0} does not exist")]
    NotFound(String),
    /// The store could not be reached or refused the request; the cause is logged.
    #[error("object store error: {0}")]
    Backend(String),
}

pub trait ObjectStore: Send + Sync + 'static {
    /// "s3" or "local": for logs and the status page.
    fn backend(&self) -> &'static str;

    /// The bucket (or directory) recorded with each file.
    fn bucket(&self) -> &str;

    fn put<'a>(&'a self, key: &'a str, body: Vec<u8>, content_type: &'a str)
    -> StoreFuture<'a, ()>;

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Vec<u8>>;

    /// Removes an object; removing one that does not exist is not an error.
    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;

    /// Every object whose key starts with `prefix`.
    fn list<'a>(&'a self, prefix: &'a str) -> StoreFuture<'a, Vec<ObjectInfo>>;

    /// A URL that downloads the object, as `download_name`, until `ttl` has passed.
    fn presign_get<'a>(
        &'a self,
        key: &'a str,
        content_type: &'a str,
        download_name: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, String>;
}

/// `Content-Disposition` for a download: the original name, made safe for the header
/// (RFC 6266: an ASCII fallback plus the UTF-8 name percent-encoded).
pub fn content_disposition(download_name: &str) -> String {
    let fallback: String = download_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = caretrack::text::percent_encode(download_name);
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn download_names_are_safe_in_the_header() {
        assert_eq!(
            content_disposition("Sam's évidence \"1\".pdf"),
            "attachment; filename=\"Sam's _vidence _1_.pdf\"; \
             filename*=UTF-8''Sam%27s%20%C3%A9vidence%20%221%22.pdf"
        );
    }
}
