//! Reports: requests, the list, download links, archiving and expiry. The rendering
//! itself is the server's `reports` job (it needs the typesetter, which the app does
//! not link).

use super::api::{
    REPORTS_PER_PAGE, ReportChoices, ReportList, ReportRequest, ReportRow, ReportStatus,
};
use super::{KEEP_DAYS, RENDER_KIND};
use crate::audit::{self, Actor, Entry};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::jobs::{NewJob, enqueue};
use crate::live::bus;
use crate::state::AppState;
use crate::wire::Named;
use caretrack::ids::ReportId;
use caretrack::live::{Event, Room};
use caretrack::london;
use serde_json::json;
use sqlx::{PgPool, types::Uuid};
use time::{Date, Duration, OffsetDateTime};

/// The longest period a compliance summary covers.
const LONGEST_PERIOD_DAYS: i64 = 366;

/// A day as the forms and the stored parameters spell it, `YYYY-MM-DD`.
pub fn parse_day(field: &str, text: &str) -> Result<Date, AppError> {
    caretrack::days::parse(text)
        .ok_or_else(|| AppError::validation(field, "Choose a date (such as 2026-11-02)."))
}

/// Tells the requester's open pages that the report moved on. Published at once, not
/// through the request's outbox: a render job reports progress long before it ends.
#[tracing::instrument(skip_all)]
pub async fn announce(state: &AppState, report: Uuid, requested_by: Uuid) {
    bus::publish(
        &state.redis,
        vec![(
            Room::User(requested_by.into()),
            Event::ReportChanged { report_id: report },
        )],
    )
    .await;
}

/// Checks the request, names the report, queues its job. Returns the report's id.
#[tracing::instrument(skip_all)]
pub async fn request(
    state: &AppState,
    actor: &Actor,
    request: ReportRequest,
) -> Result<String, AppError> {
    let requested_by = actor.user_id.ok_or(AppError::Unauthenticated)?;
    let (title, parameters) = match &request {
        ReportRequest::EvidencePack { carer_id } => {
            let name = sqlx::query_scalar!(
                r#"select person_name(u.id) as "name!" from users u
                    where u.id = $1 and u.role = 'CARER' and u.deleted_at is null"#,
                carer_id.as_uuid()
            )
            .fetch_optional(&state.db)
            .await?
            .ok_or_else(|| AppError::validation("carer", "Choose a carer."))?;
            (
                format!("Competency evidence pack · {name}"),
                json!({ "carer_id": carer_id }),
            )
        }
        ReportRequest::RotaWeek { package_id, week } => {
            let week = crate::rota::parse_week(week)?;
            let name = sqlx::query_scalar!(
                "select name from care_packages where id = $1 and deleted_at is null",
                package_id.as_uuid()
            )
            .fetch_optional(&state.db)
            .await?
            .ok_or_else(|| AppError::validation("package", "Choose a care package."))?;
            (
                format!("Rota · {name} · week of {}", london::format_date(week)),
                json!({ "package_id": package_id, "week": caretrack::days::text(week) }),
            )
        }
        ReportRequest::Compliance { from, to } => {
            let (from, to) = (parse_day("from", from)?, parse_day("to", to)?);
            if to < from {
                return Err(AppError::validation(
                    "to",
                    "The period ends before it starts.",
                ));
            }
            if (to - from).whole_days() >= LONGEST_PERIOD_DAYS {
                return Err(AppError::validation(
                    "to",
                    "A compliance summary covers a year at most.",
                ));
            }
            (
                format!(
                    "Compliance summary · {} – {}",
                    london::format_date(from),
                    london::format_date(to)
                ),
                json!({ "from": caretrack::days::text(from), "to": caretrack::days::text(to) }),
            )
        }
    };
    let mut tx = state.db.begin().await?;
    let id = sqlx::query_scalar!(
        "insert into reports (kind, parameters, title, requested_by) values ($1, $2, $3, $4) returning id",
        request.kind(),
        parameters,
        title,
        requested_by
    )
    .fetch_one(&mut *tx)
    .await?;
    // Three tries: a template or data bug fails the same way every time.
    enqueue(
        &mut tx,
        NewJob::new(RENDER_KIND, &json!({ "report_id": id })).max_attempts(3),
    )
    .await?;
    audit::commit(
        tx,
        actor,
        Entry::new("reports.requested")
            .entity("report", id)
            .after(json!({ "kind": request.kind(), "parameters": parameters, "title": title })),
    )
    .await?;
    announce(state, id, requested_by).await;
    Ok(id.to_string())
}

/// Every report, newest first: they belong to the organisation, not to who asked.
#[tracing::instrument(skip_all)]
pub async fn list(db: &PgPool, page: i64) -> Result<ReportList, AppError> {
    let page = page.max(1);
    let total = sqlx::query_scalar!(r#"select count(*) as "n!" from reports"#)
        .fetch_one(db)
        .await?;
    let rows = sqlx::query!(
        r#"select r.id, r.title, r.status, r.progress, r.stage, r.created_at, r.size_bytes,
                  r.pages, r.render_ms, r.expires_at, r.archived_at, r.error,
                  person_name(r.requested_by) as "requested_by!",
                  case when r.archived_by is null then null else person_name(r.archived_by) end as "archived_by?"
             from reports r
            order by r.created_at desc, r.id
            limit $1 offset $2"#,
        REPORTS_PER_PAGE,
        (page - 1) * REPORTS_PER_PAGE
    )
    .fetch_all(db)
    .await?;
    Ok(ReportList {
        rows: rows
            .into_iter()
            .map(|r| {
                let status = ReportStatus::parse(&r.status);
                let details = match (r.pages, r.size_bytes, r.render_ms) {
                    (Some(pages), Some(size), Some(ms)) => format!(
                        "{pages} page{}, {} KiB, typeset in {:.1} s",
                        if pages == 1 { "" } else { "s" },
                        (size + 1023) / 1024,
                        f64::from(ms) / 1000.0
                    ),
                    _ => String::new(),
                };
                let keeping = match (r.archived_at, r.expires_at, status) {
                    (Some(_), _, _) => format!(
                        "Archived by {}",
                        r.archived_by.unwrap_or_else(|| "a manager".into())
                    ),
                    (None, Some(at), ReportStatus::Ready) => {
                        format!("Expires {}", london::format_datetime(at))
                    }
                    _ => String::new(),
                };
                ReportRow {
                    id: r.id.into(),
                    title: r.title,
                    status,
                    progress: r.progress,
                    stage: r.stage,
                    requested_by: r.requested_by,
                    requested: london::format_datetime(r.created_at),
                    details,
                    keeping,
                    archived: r.archived_at.is_some(),
                    error: r.error.unwrap_or_default(),
                }
            })
            .collect(),
        total,
        page,
        page_size: REPORTS_PER_PAGE,
    })
}

#[tracing::instrument(skip_all)]
pub async fn choices(state: &AppState, user: &CurrentUser) -> Result<ReportChoices, AppError> {
    let carers = crate::care::ssr::assignments::carer_choices(state, user).await?;
    let packages = sqlx::query!(
        "select id, name from care_packages where deleted_at is null order by name, id"
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|p| Named {
        id: p.id.into(),
        name: p.name,
    })
    .collect();
    let today = london::business_day(OffsetDateTime::now_utc());
    let this_monday = caretrack::days::week_of(OffsetDateTime::now_utc());
    let first_of_this_month = today.replace_day(1).expect("day 1 exists");
    let last_of_last_month = first_of_this_month - Duration::days(1);
    let first_of_last_month = last_of_last_month.replace_day(1).expect("day 1 exists");
    Ok(ReportChoices {
        carers,
        packages,
        this_monday: caretrack::days::text(this_monday),
        last_month: (
            caretrack::days::text(first_of_last_month),
            caretrack::days::text(last_of_last_month),
        ),
    })
}

/// A presigned link to a ready report. Evidence packs hold personal data, so every
/// link issued is audited.
#[tracing::instrument(skip_all)]
pub async fn link(state: &AppState, actor: &Actor, id: ReportId) -> Result<String, AppError> {
    let id = id.into_uuid();
    let report = sqlx::query!(
        "select title, status, object_key from reports where id = $1",
        id
    )
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| AppError::NotFound("The report".into()))?;
    let key = match (report.status.as_str(), report.object_key) {
        ("READY", Some(key)) => key,
        ("EXPIRED", _) => {
            return Err(AppError::Conflict(
                "This report has expired. Ask for it again to get a fresh copy.".into(),
            ));
        }
        _ => return Err(AppError::Conflict("This report is not ready yet.".into())),
    };
    let file_name = format!("{}.pdf", report.title.replace(['/', '\\', '·'], "-"));
    let url = state
        .files
        .store
        .presign_get(&key, "application/pdf", &file_name, state.files.url_ttl)
        .await
        .map_err(|err| {
            tracing::error!(report = %id, error = %err, "presigning a report download failed");
            AppError::Unavailable("File storage".into())
        })?;
    let mut conn = state.db.acquire().await?;
    audit::record(
        &mut conn,
        actor,
        Entry::new("reports.downloaded").entity("report", id),
    )
    .await?;
    Ok(url)
}

/// Keeps a report past its expiry, or lets it expire again. Care managers only: a
/// viewer's access is read-only.
#[tracing::instrument(skip_all)]
pub async fn archive(
    state: &AppState,
    actor: &Actor,
    id: ReportId,
    keep: bool,
) -> Result<(), AppError> {
    if !actor
        .role
        .is_some_and(|role| role.can(caretrack::permissions::Permission::ArchiveReports))
    {
        return Err(AppError::Forbidden);
    }
    let id = id.into_uuid();
    let mut tx = state.db.begin().await?;
    let changed = sqlx::query!(
        r#"update reports
              set archived_at = case when $2 then now() end,
                  archived_by = case when $2 then $3::uuid end,
                  expires_at = case when $2 then expires_at
                                    else greatest(expires_at, now() + make_interval(days => $4::int)) end
            where id = $1 and status = 'READY' and (archived_at is not null) <> $2
            returning requested_by"#,
        id,
        keep,
        actor.user_id,
        KEEP_DAYS as i32
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::Conflict(if keep {
            "Only a ready report that is not archived yet can be archived.".into()
        } else {
            "This report is not archived.".into()
        })
    })?;
    audit::commit(
        tx,
        actor,
        Entry::new(if keep {
            "reports.archived"
        } else {
            "reports.unarchived"
        })
        .entity("report", id),
    )
    .await?;
    announce(state, id, changed.requested_by).await;
    Ok(())
}

/// Records a render's progress (0–100) and what it is doing.
#[tracing::instrument(skip_all)]
pub async fn progress(
    state: &AppState,
    id: Uuid,
    percent: i16,
    stage: &str,
) -> Result<(), sqlx::Error> {
    let requested_by = sqlx::query_scalar!(
        r#"update reports
              set progress = $2, stage = $3, status = 'RUNNING',
                  started_at = coalesce(started_at, now())
            where id = $1 and status in ('QUEUED', 'RUNNING')
            returning requested_by"#,
        id,
        percent.clamp(0, 100),
        stage
    )
    .fetch_optional(&state.db)
    .await?;
    if let Some(requested_by) = requested_by {
        announce(state, id, requested_by).await;
    }
    Ok(())
}

/// Removes the files of reports past their expiry that nobody archived.
#[tracing::instrument(skip_all)]
pub async fn expire(state: &AppState) -> Result<usize, AppError> {
    let due = sqlx::query!(
        r#"select id, object_key as "object_key!", requested_by from reports
            where status = 'READY' and archived_at is null and expires_at < now()
            order by expires_at limit 500"#
    )
    .fetch_all(&state.db)
    .await?;
    for report in &due {
        state
            .files
            .store
            .delete(&report.object_key)
            .await
            .map_err(|err| {
                tracing::error!(report = %report.id, error = %err, "removing an expired report failed");
                AppError::Unavailable("File storage".into())
            })?;
        sqlx::query!(
            "update reports set status = 'EXPIRED', stage = 'Expired' where id = $1 and archived_at is null",
            report.id
        )
        .execute(&state.db)
        .await?;
        announce(state, report.id, report.requested_by).await;
    }
    Ok(due.len())
}
