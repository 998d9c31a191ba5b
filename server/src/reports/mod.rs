//! The report jobs: render one report (gather → typeset → store), and expire old ones.
//! Requests, the list and download links are `app::reports`; typesetting is the
//! `reports` crate.

mod gather;

use crate::jobs::{JobContext, JobFailure};
use app::reports::ssr::{announce, progress};
use app::state::AppState;
use caretrack::london;
use serde::Deserialize;
use sqlx::types::Uuid;
use time::{Duration, OffsetDateTime};

#[derive(Deserialize)]
struct RenderJob {
    report_id: Uuid,
}

/// `reports.render`: makes one report's PDF, telling the requester's pages how far it
/// has got. A failure on the last attempt marks the report failed with the reason.
pub async fn run_render(ctx: JobContext, payload: serde_json::Value) -> Result<(), JobFailure> {
    let job: RenderJob = serde_json::from_value(payload)
        .map_err(|err| format!("the job has no valid report_id: {err}"))?;
    match render(&ctx.state, job.report_id).await {
        Ok(()) => Ok(()),
        Err(failure) => {
            if ctx.is_last_attempt() {
                fail(&ctx.state, job.report_id, &failure).await;
            } else {
                let _ = progress(&ctx.state, job.report_id, 0, "Failed once; trying again").await;
            }
            Err(failure)
        }
    }
}

async fn render(state: &AppState, id: Uuid) -> Result<(), JobFailure> {
    let Some(row) = sqlx::query!(
        "select kind, parameters, requested_by, status from reports where id = $1",
        id
    )
    .fetch_optional(&state.db)
    .await
    .map_err(|err| format!("loading report {id}: {err}"))?
    else {
        return Ok(()); // gone: nothing to make
    };
    if !matches!(row.status.as_str(), "QUEUED" | "RUNNING") {
        return Ok(()); // already made (a retried job whose first run finished)
    }
    let step = |percent: i16, stage: &'static str| async move {
        progress(state, id, percent, stage)
            .await
            .map_err(|err| format!("recording progress of report {id}: {err}"))
    };
    step(10, "Gathering the data").await?;
    let now = OffsetDateTime::now_utc();
    let generated_by =
        sqlx::query_scalar!(r#"select person_name($1) as "name!""#, row.requested_by)
            .fetch_one(&state.db)
            .await
            .map_err(|err| format!("naming the requester of report {id}: {err}"))?;
    let cover = |title: &str, subject: String| reports::data::Cover {
        title: title.to_owned(),
        subject,
        generated_at: london::format_datetime(now),
        generated_by: generated_by.clone(),
        reference: id.to_string(),
    };
    let role = sqlx::query_scalar!(
        r#"select role::text as "role!" from users where id = $1"#,
        row.requested_by
    )
    .fetch_one(&state.db)
    .await
    .map_err(|err| format!("loading the requester of report {id}: {err}"))?;
    let requester = app::audit::Actor::new(
        Some(row.requested_by),
        role.parse().ok(),
        &app::auth::RequestMeta::default(),
    );
    let report = gather::report(state, &requester, &row.kind, &row.parameters, cover)
        .await
        .map_err(|err| format!("gathering report {id}: {err}"))?;

    step(40, "Typesetting").await?;
    let today = london::business_day(now);
    let pdf = tokio::task::spawn_blocking(move || reports::render(&report, today))
        .await
        .map_err(|err| format!("the typesetting thread of report {id} stopped: {err}"))?
        .map_err(|err| err.to_string())?;

    step(85, "Storing the file").await?;
    let key = format!("reports/{id}.pdf");
    let size = pdf.bytes.len() as i64;
    state
        .files
        .store
        .put(&key, pdf.bytes, "application/pdf")
        .await
        .map_err(|err| format!("storing report {id}: {err}"))?;
    let expires = now + Duration::days(app::reports::KEEP_DAYS);
    sqlx::query!(
        r#"update reports
              set status = 'READY', progress = 100, stage = 'Ready', object_key = $2,
                  size_bytes = $3, pages = $4, render_ms = $5, expires_at = $6,
                  finished_at = now(), error = null
            where id = $1"#,
        id,
        key,
        size,
        i32::try_from(pdf.pages).unwrap_or(i32::MAX),
        i32::try_from(pdf.took.as_millis()).unwrap_or(i32::MAX),
        expires
    )
    .execute(&state.db)
    .await
    .map_err(|err| format!("recording report {id} as ready: {err}"))?;
    tracing::info!(report = %id, kind = %row.kind, pages = pdf.pages, bytes = size,
        millis = pdf.took.as_millis() as u64, "report ready");
    announce(state, id, row.requested_by).await;
    Ok(())
}

async fn fail(state: &AppState, id: Uuid, failure: &str) {
    let failed = sqlx::query_scalar!(
        r#"update reports set status = 'FAILED', stage = 'Failed', error = $2, finished_at = now()
            where id = $1 and status in ('QUEUED', 'RUNNING') returning requested_by"#,
        id,
        "The report could not be made. The error is on the Jobs page; ask for it again, or tell your administrator."
    )
    .fetch_optional(&state.db)
    .await;
    match failed {
        Ok(Some(requested_by)) => announce(state, id, requested_by).await,
        Ok(None) => {}
        Err(err) => {
            tracing::error!(report = %id, error = %err, %failure, "marking a report failed failed")
        }
    }
}

/// `reports.expire` (hourly): removes the files of expired reports.
pub async fn run_expiry(ctx: JobContext) -> Result<(), JobFailure> {
    let expired = app::reports::ssr::expire(&ctx.state)
        .await
        .map_err(|err| format!("expiring reports failed: {err}"))?;
    tracing::info!(expired, "expired reports removed");
    Ok(())
}
