//! File storage adapters (S3, local disk), the virus scanner, and the file jobs: scan a
//! quarantined upload, collect garbage. The service itself (validation, ownership,
//! presigned downloads) is `app::files`.

pub mod clamd;
pub mod config;
pub mod local;
pub mod s3;

use crate::jobs::{JobContext, JobFailure};
use app::files::{ScanFile, collect_garbage};
use caretrack::files::FileStatus;
use std::time::Duration;

/// Scheduled: removes the objects of deleted, abandoned and unattached files.
pub const GC_KIND: &str = "files.collect_garbage";
/// Nothing younger than this is collected: an upload may be in progress, or a form
/// about to attach it.
pub const GC_GRACE: Duration = Duration::from_secs(24 * 3600);

pub async fn run_garbage_collection(ctx: JobContext) -> Result<(), JobFailure> {
    let report = collect_garbage(&ctx.state.db, &ctx.state.files, GC_GRACE)
        .await
        .map_err(|err| format!("file garbage collection failed: {err}"))?;
    tracing::info!(?report, "file garbage collection finished");
    Ok(())
}

/// Scans one quarantined file and releases it, or keeps it quarantined with the name of
/// what was found. Connection problems fail the job, which retries.
pub async fn run_scan(ctx: JobContext, clamd_addr: &str, job: ScanFile) -> Result<(), JobFailure> {
    let db = &ctx.state.db;
    let Some(file) = sqlx::query!(
        "select object_key, status from files where id = $1 and deleted_at is null",
        job.file_id
    )
    .fetch_optional(db)
    .await
    .map_err(|err| format!("loading file {}: {err}", job.file_id))?
    else {
        return Ok(()); // deleted meanwhile: nothing to release
    };
    if file.status != FileStatus::Quarantined.as_str() {
        return Ok(());
    }
    let bytes = ctx
        .state
        .files
        .store
        .get(&file.object_key)
        .await
        .map_err(|err| format!("reading file {} for its scan: {err}", job.file_id))?;
    let verdict = clamd::scan(clamd_addr, &bytes).await?;
    let (status, result) = match &verdict {
        clamd::Verdict::Clean => (FileStatus::Ready, "clean".to_owned()),
        clamd::Verdict::Infected(name) => (FileStatus::Quarantined, format!("infected: {name}")),
    };
    if let clamd::Verdict::Infected(name) = &verdict {
        tracing::warn!(file_id = %job.file_id, signature = %name, "upload failed the virus scan");
    }
    sqlx::query!(
        "update files set status = $2, scan_result = $3, scanned_at = now(), updated_at = now() where id = $1",
        job.file_id,
        status.as_str(),
        result
    )
    .execute(db)
    .await
    .map_err(|err| format!("recording the scan of file {}: {err}", job.file_id))?;
    Ok(())
}
