//! The file service: every upload and download goes through here.
//!
//! Upload: the size limit is enforced while the body streams in (by the caller), then
//! the type is decided by magic bytes against the purpose's allow-list, images are
//! re-encoded to drop EXIF/GPS, and the bytes go to the object store under a fresh key.
//! A row in `files` is written first (`PENDING`), so an upload interrupted half-way is
//! found and removed by the garbage collector. With a virus scanner configured the
//! file waits in `QUARANTINED` until the `files.scan` job finds it clean.
//!
//! Download: only through a short-lived presigned URL, issued after the ownership and
//! role check in [`caretrack::files::may_download`].

mod sanitise;
pub mod store;

pub use sanitise::strip_metadata;
pub use store::{ObjectInfo, ObjectStore, StorageError, StoreFuture, content_disposition};

use crate::{
    error::AppError,
    jobs::{NewJob, enqueue},
};
use caretrack::{
    Role,
    files::{
        FileKind, FilePurpose, FileStatus, Relation, UploadRejection, check_upload, may_download,
    },
};
use serde::{Deserialize, Serialize};
use sqlx::{PgPool, types::Uuid};
use std::{sync::Arc, time::Duration};
use time::OffsetDateTime;

/// The job that scans a quarantined upload.
pub const SCAN_JOB_KIND: &str = "files.scan";
/// The prefix of every key this service writes; the garbage collector looks only here.
pub const KEY_PREFIX: &str = "files/";

/// The object store and the settings around it, shared by every request.
pub struct FileStorage {
    pub store: Arc<dyn ObjectStore>,
    /// How long a download URL works.
    pub url_ttl: Duration,
    /// A virus scanner is configured: uploads wait in quarantine for it.
    pub scan_uploads: bool,
}

/// Bytes someone uploaded (already read within the purpose's size limit).
pub struct Upload {
    pub owner: Option<Uuid>,
    pub purpose: FilePurpose,
    pub original_name: String,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct StoredFile {
    pub id: Uuid,
    pub purpose: FilePurpose,
    pub status: FileStatus,
    pub original_name: String,
    pub content_type: String,
    pub size_bytes: u64,
}

/// Who is asking for a file.
#[derive(Clone, Copy, Debug)]
pub struct Viewer {
    pub user_id: Uuid,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DownloadUrl {
    pub url: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ssr", schemars(with = "caretrack::schema::DateTime"))]
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error(transparent)]
    Rejected(#[from] UploadRejection),
    #[error("the file does not exist")]
    NotFound,
    #[error("not allowed to download this file")]
    Forbidden,
    #[error("the file is {0:?}")]
    NotReady(FileStatus),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Too many images are being cleaned at once.
    #[error("too many uploads at once")]
    Busy,
}

impl From<FileError> for AppError {
    fn from(err: FileError) -> Self {
        match err {
            FileError::Rejected(rejection) => AppError::validation("file", rejection.to_string()),
            FileError::NotFound => AppError::NotFound("The file".into()),
            FileError::Forbidden => AppError::Forbidden,
            FileError::NotReady(FileStatus::Quarantined) => AppError::Conflict(
                "This file is waiting for its virus check, or failed it, and cannot be opened."
                    .into(),
            ),
            FileError::NotReady(_) => AppError::NotFound("The file".into()),
            FileError::Storage(err) => {
                tracing::error!(error = %err, "object store failed");
                AppError::Unavailable("File storage".into())
            }
            FileError::Database(err) => err.into(),
            FileError::Busy => AppError::Busy(2),
        }
    }
}

/// The object key for a new file: never reused, so nothing is ever overwritten.
pub fn object_key(purpose: FilePurpose, id: Uuid, kind: FileKind) -> String {
    format!(
        "{KEY_PREFIX}{}/{id}.{}",
        purpose.as_str().to_ascii_lowercase(),
        kind.extension()
    )
}

/// Images being decoded and re-encoded at once, across the process.
static IMAGE_DECODES: std::sync::LazyLock<Arc<tokio::sync::Semaphore>> =
    std::sync::LazyLock::new(|| Arc::new(tokio::sync::Semaphore::new(1)));
/// How long an upload waits for its turn before it is told to come back.
const DECODE_WAIT: Duration = Duration::from_secs(10);

/// Validates, cleans and stores an upload.
#[tracing::instrument(skip_all)]
pub async fn upload(
    db: &PgPool,
    files: &FileStorage,
    upload: Upload,
) -> Result<StoredFile, FileError> {
    let kind = check_upload(upload.purpose, &upload.bytes)?;
    // Cleaning an image holds its decoded pixels and a turned copy (up to ~320 MB): one
    // at a time. The turn travels with the work onto the blocking thread, so a request
    // dropped mid-decode still holds it until the decode ends.
    let turn = match kind {
        FileKind::Pdf => None,
        FileKind::Jpeg | FileKind::Png => Some(
            tokio::time::timeout(DECODE_WAIT, IMAGE_DECODES.clone().acquire_owned())
                .await
                .map_err(|_| FileError::Busy)?
                .map_err(|_| FileError::Busy)?,
        ),
    };
    let bytes = tokio::task::spawn_blocking(move || {
        let _turn = turn;
        strip_metadata(kind, upload.bytes)
    })
    .await
    .map_err(|err| StorageError::Backend(format!("image cleaning panicked: {err}")))??;
    let original_name = clean_file_name(&upload.original_name, kind);
    let size = bytes.len() as i64;
    let sha256 = sha256(&bytes);

    let id = Uuid::new_v4();
    let key = object_key(upload.purpose, id, kind);
    sqlx::query!(
        "insert into files (id, owner_id, purpose, bucket, object_key, original_name, content_type, size_bytes, sha256)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        id,
        upload.owner,
        upload.purpose.as_str(),
        files.store.bucket(),
        key,
        original_name,
        kind.mime_type(),
        size,
        &sha256[..],
    )
    .execute(db)
    .await?;

    files.store.put(&key, bytes, kind.mime_type()).await?;

    let status = if files.scan_uploads {
        FileStatus::Quarantined
    } else {
        FileStatus::Ready
    };
    let mut tx = db.begin().await?;
    sqlx::query!(
        "update files set status = $2, updated_at = now() where id = $1",
        id,
        status.as_str()
    )
    .execute(&mut *tx)
    .await?;
    if files.scan_uploads {
        enqueue(
            &mut tx,
            NewJob::new(SCAN_JOB_KIND, &ScanFile { file_id: id }).dedupe_key(format!("scan:{id}")),
        )
        .await?;
    }
    tx.commit().await?;

    Ok(StoredFile {
        id,
        purpose: upload.purpose,
        status,
        original_name,
        content_type: kind.mime_type().to_owned(),
        size_bytes: size as u64,
    })
}

/// The payload of a [`SCAN_JOB_KIND`] job.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ScanFile {
    pub file_id: Uuid,
}

/// A presigned URL for a file the viewer may see.
#[tracing::instrument(skip_all)]
pub async fn download_url(
    db: &PgPool,
    files: &FileStorage,
    file_id: Uuid,
    viewer: Viewer,
) -> Result<DownloadUrl, FileError> {
    let row = sqlx::query!(
        r#"select f.purpose, f.status, f.object_key, f.original_name, f.content_type,
                  f.owner_id is not distinct from $2 as "is_owner!",
                  exists (select 1 from assessment_evidence e join assessments a on a.id = e.assessment_id
                          where e.file_id = f.id and a.carer_id = $2) as "is_subject!"
             from files f
            where f.id = $1 and f.deleted_at is null"#,
        file_id,
        viewer.user_id
    )
    .fetch_optional(db)
    .await?
    .ok_or(FileError::NotFound)?;

    let purpose: FilePurpose = row.purpose.parse().map_err(|_| FileError::NotFound)?;
    let relation = if row.is_owner {
        Relation::Owner
    } else if row.is_subject {
        Relation::Subject
    } else {
        Relation::Unrelated
    };
    if !may_download(viewer.role, purpose, relation) {
        // Not 404: the caller already knows the id exists from wherever they found it.
        return Err(FileError::Forbidden);
    }
    let status: FileStatus = row.status.parse().map_err(|_| FileError::NotFound)?;
    if status != FileStatus::Ready {
        return Err(FileError::NotReady(status));
    }
    let expires_at = OffsetDateTime::now_utc() + files.url_ttl;
    let url = files
        .store
        .presign_get(
            &row.object_key,
            &row.content_type,
            &row.original_name,
            files.url_ttl,
        )
        .await?;
    Ok(DownloadUrl { url, expires_at })
}

/// Marks a file deleted; its object is removed by the next garbage collection.
/// (On the caller's pool or transaction.)
#[tracing::instrument(skip_all)]
pub async fn mark_deleted(db: impl sqlx::PgExecutor<'_>, file_id: Uuid) -> Result<bool, FileError> {
    let done = sqlx::query!(
        "update files set deleted_at = now(), updated_at = now() where id = $1 and deleted_at is null",
        file_id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What a garbage collection removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct GarbageReport {
    /// Files deleted by people (or by their owner's purge).
    pub deleted_files: u64,
    /// Uploads that never finished.
    pub abandoned_uploads: u64,
    /// Uploads never attached to anything (a photo chosen, the form then abandoned).
    pub unattached_files: u64,
    /// Objects in the store with no row at all.
    pub orphan_objects: u64,
}

/// Removes the objects of deleted files, abandoned and unattached uploads, and objects
/// nobody knows about, once they are older than `grace` (so an upload in progress is
/// never touched).
#[tracing::instrument(skip_all)]
pub async fn collect_garbage(
    db: &PgPool,
    files: &FileStorage,
    grace: Duration,
) -> Result<GarbageReport, FileError> {
    let cutoff = OffsetDateTime::now_utc() - grace;
    let mut report = GarbageReport::default();

    // Deleted, abandoned and unattached files: remove the object, keep a tombstone row
    // (other tables may still point at it, and the audit trail names it).
    let doomed = sqlx::query!(
        r#"select id, object_key,
                  case when deleted_at is not null then 'deleted'
                       when status = 'PENDING' then 'abandoned'
                       else 'unattached' end as "reason!"
             from files f
            where status <> 'DELETED'
              and (   (deleted_at is not null and deleted_at < $1)
                   or (status = 'PENDING' and created_at < $1)
                   or (created_at < $1 and (
                          (purpose = 'AVATAR'
                             and not exists (select 1 from user_profiles p where p.avatar_file_id = f.id))
                       or (purpose = 'ASSESSMENT_EVIDENCE'
                             and not exists (select 1 from assessment_evidence e where e.file_id = f.id))
                       or (purpose = 'WTR_OPT_OUT'
                             and not exists (select 1 from wtr_opt_outs o where o.document_file_id = f.id)))))
            order by created_at
            limit 1000"#,
        cutoff
    )
    .fetch_all(db)
    .await?;
    for file in doomed {
        files.store.delete(&file.object_key).await?;
        sqlx::query!(
            "update files set status = 'DELETED', deleted_at = coalesce(deleted_at, now()), updated_at = now()
              where id = $1",
            file.id
        )
        .execute(db)
        .await?;
        match file.reason.as_str() {
            "deleted" => report.deleted_files += 1,
            "abandoned" => report.abandoned_uploads += 1,
            _ => report.unattached_files += 1,
        }
    }

    // Objects with no row: written by a crashed upload before its row, or left behind by
    // hand. Compared in pages so a large bucket does not load every key into one query.
    let objects = files.store.list(KEY_PREFIX).await?;
    for page in objects.chunks(500) {
        let keys: Vec<String> = page.iter().map(|o| o.key.clone()).collect();
        let known: std::collections::HashSet<String> = sqlx::query_scalar!(
            "select object_key from files where bucket = $1 and object_key = any($2) and status <> 'DELETED'",
            files.store.bucket(),
            &keys
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .collect();
        for object in page {
            if !known.contains(&object.key) && object.last_modified < cutoff {
                files.store.delete(&object.key).await?;
                report.orphan_objects += 1;
            }
        }
    }
    Ok(report)
}

/// The name shown when the file is downloaded: the uploaded name without any path, with
/// control characters removed and the extension matching the real type.
pub fn clean_file_name(raw: &str, kind: FileKind) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_owned();
    let stem = match cleaned.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => cleaned.as_str(),
    };
    let stem: String = stem.chars().take(120).collect();
    let stem = if stem.trim().is_empty() {
        "file"
    } else {
        stem.trim()
    };
    format!("{stem}.{}", kind.extension())
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_keep_the_name_and_take_the_real_extension() {
        assert_eq!(
            clean_file_name("C:\\Users\\sam\\IMG_0042.JPG", FileKind::Jpeg),
            "IMG_0042.jpg"
        );
        assert_eq!(
            clean_file_name("../../etc/passwd", FileKind::Pdf),
            "passwd.pdf"
        );
        assert_eq!(clean_file_name("opt-out.exe", FileKind::Pdf), "opt-out.pdf");
        assert_eq!(clean_file_name("   ", FileKind::Png), "file.png");
        assert_eq!(clean_file_name("a\u{0}b\nc.pdf", FileKind::Pdf), "abc.pdf");
    }

    #[test]
    fn keys_are_grouped_by_purpose() {
        let id = Uuid::nil();
        assert_eq!(
            object_key(FilePurpose::WtrOptOut, id, FileKind::Pdf),
            "files/wtr_opt_out/00000000-0000-0000-0000-000000000000.pdf"
        );
    }
}
