//! The object store on S3 or any S3-compatible service (MinIO, Ceph, Garage, s3s-fs).
//!
//! Checksums are calculated only when an operation requires them: the SDK's default
//! (CRC32 on every request, and on presigned URLs) breaks presigned requests and many
//! S3-compatible services.

use app::files::{ObjectInfo, ObjectStore, StorageError, StoreFuture, content_disposition};
use aws_sdk_s3::{
    Client,
    config::{
        BehaviorVersion, Credentials, Region, RequestChecksumCalculation,
        ResponseChecksumValidation,
    },
    error::DisplayErrorContext,
    presigning::PresigningConfig,
    primitives::ByteStream,
};
use aws_smithy_http_client::{
    Builder as HttpClientBuilder,
    tls::{Provider, rustls_provider::CryptoMode},
};
use std::time::Duration;
use time::OffsetDateTime;

pub struct S3Store {
    client: Client,
    bucket: String,
}

fn backend_error(operation: &str, err: impl std::error::Error) -> StorageError {
    StorageError::Backend(format!("{operation}: {}", DisplayErrorContext(err)))
}

impl S3Store {
    pub fn new(
        endpoint: Option<&str>,
        region: &str,
        bucket: &str,
        access_key_id: &str,
        secret_access_key: &str,
        force_path_style: bool,
    ) -> Self {
        let http_client = HttpClientBuilder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let mut config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_owned()))
            .credentials_provider(Credentials::new(
                access_key_id,
                secret_access_key,
                None,
                None,
                "caretrack-config",
            ))
            .http_client(http_client)
            .force_path_style(force_path_style)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
        if let Some(endpoint) = endpoint {
            config = config.endpoint_url(endpoint);
        }
        Self {
            client: Client::from_conf(config.build()),
            bucket: bucket.to_owned(),
        }
    }

    /// Creates the bucket if it does not exist (development and tests; in production the
    /// bucket, its versioning and its lifecycle rules are set up by the operator).
    pub async fn ensure_bucket(&self) -> Result<(), StorageError> {
        if self
            .client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .is_ok()
        {
            return Ok(());
        }
        self.client
            .create_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|err| backend_error("create bucket", err))?;
        Ok(())
    }
}

impl ObjectStore for S3Store {
    fn backend(&self) -> &'static str {
        "s3"
    }

    fn bucket(&self) -> &str {
        &self.bucket
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        body: Vec<u8>,
        content_type: &'a str,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(key)
                .content_type(content_type)
                .body(ByteStream::from(body))
                .send()
                .await
                .map_err(|err| backend_error("put object", err))?;
            Ok(())
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Vec<u8>> {
        Box::pin(async move {
            let object = self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(key)
                .send()
                .await
                .map_err(|err| match err.as_service_error() {
                    Some(service) if service.is_no_such_key() => {
                        StorageError::NotFound(key.to_owned())
                    }
                    _ => backend_error("get object", err),
                })?;
            let bytes = object
                .body
                .collect()
                .await
                .map_err(|err| backend_error("read object", err))?;
            Ok(bytes.into_bytes().to_vec())
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.client
                .delete_object()
                .bucket(&self.bucket)
                .key(key)
                .send()
                .await
                .map_err(|err| backend_error("delete object", err))?;
            Ok(())
        })
    }

    fn list<'a>(&'a self, prefix: &'a str) -> StoreFuture<'a, Vec<ObjectInfo>> {
        Box::pin(async move {
            let mut objects = Vec::new();
            let mut continuation: Option<String> = None;
            loop {
                let page = self
                    .client
                    .list_objects_v2()
                    .bucket(&self.bucket)
                    .prefix(prefix)
                    .set_continuation_token(continuation.take())
                    .send()
                    .await
                    .map_err(|err| backend_error("list objects", err))?;
                for object in page.contents() {
                    let (Some(key), Some(modified)) = (object.key(), object.last_modified()) else {
                        continue;
                    };
                    objects.push(ObjectInfo {
                        key: key.to_owned(),
                        size: object.size().unwrap_or(0).max(0) as u64,
                        last_modified: OffsetDateTime::from_unix_timestamp(modified.secs())
                            .unwrap_or(OffsetDateTime::UNIX_EPOCH),
                    });
                }
                match page.next_continuation_token() {
                    Some(token) if page.is_truncated() == Some(true) => {
                        continuation = Some(token.to_owned())
                    }
                    _ => break,
                }
            }
            Ok(objects)
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
            let presigning =
                PresigningConfig::expires_in(ttl).map_err(|err| backend_error("presign", err))?;
            let request = self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(key)
                .response_content_type(content_type)
                .response_content_disposition(content_disposition(download_name))
                .presigned(presigning)
                .await
                .map_err(|err| backend_error("presign", err))?;
            Ok(request.uri().to_owned())
        })
    }
}
