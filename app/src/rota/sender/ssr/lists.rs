//! The lists of sent-out shifts: the office's open shifts and their applicants, the
//! shifts a carer may apply for, and a carer's applications.

use crate::rota::cover::ssr::{candidates, shift_row, shift_when};
use crate::rota::sender::api::{
    Applicant, ApplicationStatus, MyApplication, OpenShift, PAGE_SIZE, ShiftApplicants,
};
use crate::wire::Page;
use crate::{audit::Actor, error::AppError, state::AppState};
use caretrack::{
    ids::{ShiftId, UserId},
    london,
    rota::{ShiftKind, Violation},
};
use sqlx::{PgPool, types::Uuid};
use time::OffsetDateTime;

/// The columns every list of sent-out shifts shows (see [`OpenShiftRow`]).
pub(in crate::rota) struct OpenShiftRow {
    id: Uuid,
    package: String,
    starts_at: OffsetDateTime,
    ends_at: OffsetDateTime,
    kind: String,
    headcount: i32,
    notes: Option<String>,
    competent_only: bool,
    filled: i64,
    waiting: i64,
}

impl From<OpenShiftRow> for OpenShift {
    fn from(row: OpenShiftRow) -> OpenShift {
        let kind = row.kind.parse().unwrap_or(ShiftKind::Day);
        OpenShift {
            shift_id: ShiftId::from_uuid(row.id),
            package: row.package,
            when: shift_when(row.starts_at, row.ends_at, kind),
            kind,
            competent_only: row.competent_only,
            headcount: row.headcount,
            filled: row.filled,
            waiting: row.waiting,
            note: row.notes,
        }
    }
}

/// Beyond any list's end; keeps the offset arithmetic far from overflowing.
pub(in crate::rota) const MAX_PAGE: i64 = 100_000;

pub(in crate::rota) fn page_of<T>(items: Vec<T>, total: i64, page: i64) -> Page<T> {
    Page::new(items, total, page, PAGE_SIZE)
}

#[tracing::instrument(skip_all)]
pub async fn open_shifts(db: &PgPool, page: i64) -> Result<Page<OpenShift>, AppError> {
    let page = page.clamp(1, MAX_PAGE);
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from shifts
            where status = 'OPEN' and deleted_at is null and ends_at > now()"#
    )
    .fetch_one(db)
    .await?;
    let rows = sqlx::query_as!(
        OpenShiftRow,
        r#"select id as "id!", package as "package!", starts_at as "starts_at!", ends_at as "ends_at!", kind as "kind!",
                  headcount as "headcount!", notes, competent_only as "competent_only!", filled as "filled!", waiting as "waiting!"
             from shift_offers
            where status = 'OPEN' and deleted_at is null and ends_at > now()
            order by starts_at, id
            limit $1 offset $2"#,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(db)
    .await?;
    Ok(page_of(
        rows.into_iter().map(OpenShift::from).collect(),
        total,
        page,
    ))
}

/// One sent-out shift's row (whatever its status now).
pub(in crate::rota) async fn open_shift_row(
    db: &PgPool,
    shift: Uuid,
) -> Result<OpenShift, AppError> {
    let row = sqlx::query_as!(
        OpenShiftRow,
        r#"select id as "id!", package as "package!", starts_at as "starts_at!", ends_at as "ends_at!", kind as "kind!",
                  headcount as "headcount!", notes, competent_only as "competent_only!", filled as "filled!", waiting as "waiting!"
             from shift_offers where id = $1"#,
        shift
    )
    .fetch_one(db)
    .await?;
    Ok(row.into())
}

#[tracing::instrument(skip_all)]
pub async fn applicants(
    state: &AppState,
    actor: &Actor,
    shift: ShiftId,
) -> Result<ShiftApplicants, AppError> {
    let row = shift_row(&state.db, shift.into_uuid()).await?;
    let open = open_shift_row(&state.db, row.id).await?;
    let people = sqlx::query!(
        r#"select a.carer_id, person_name(a.carer_id) as "name!", a.status::text as "status!", a.applied_at
             from shift_applications a where a.shift_id = $1
            order by a.applied_at, a.carer_id"#,
        row.id
    )
    .fetch_all(&state.db)
    .await?;
    let on_shift = sqlx::query_scalar!(
        r#"select person_name(carer_id) as "name!" from rota_entries where shift_id = $1 order by 1"#,
        row.id
    )
    .fetch_all(&state.db)
    .await?;
    let ids: Vec<Uuid> = people.iter().map(|p| p.carer_id).collect();
    let checked = candidates(state, actor, &row, false, &ids).await?;
    let applicants = people
        .into_iter()
        .map(|p| {
            let id = UserId::from_uuid(p.carer_id);
            let status = ApplicationStatus::from_db(&p.status);
            let found = checked.iter().find(|(carer, _)| carer.id == id);
            let (competent, violations, reasons) = match found {
                Some((carer, c)) => (carer.competent, c.violations.clone(), c.reasons.clone()),
                // Already on the shift (or no longer an active carer).
                None => (false, Vec::new(), vec![status.label().to_owned()]),
            };
            Applicant {
                carer_id: id,
                name: p.name,
                status,
                applied_at: london::format_datetime(p.applied_at),
                competent,
                blocked: violations.iter().any(Violation::blocks_publishing),
                violations,
                reasons,
            }
        })
        .collect();
    Ok(ShiftApplicants {
        shift: open,
        on_shift,
        applicants,
    })
}

#[tracing::instrument(skip_all)]
pub async fn available(db: &PgPool, carer: Uuid, page: i64) -> Result<Page<OpenShift>, AppError> {
    let page = page.clamp(1, MAX_PAGE);
    // Open, in the future, open to this carer (`shift_open_to`: confirmed ratings), not
    // worked or applied for already — unless not selected before it was sent out again.
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from shift_offers o
            where o.status = 'OPEN' and o.deleted_at is null and o.starts_at > now()
              and shift_open_to(o.id, $1)
              and not exists (select 1 from shift_applications a where a.shift_id = o.id and a.carer_id = $1
                                 and not (a.status = 'REJECTED' and a.decided_at < o.published_at))
              and not exists (select 1 from rota_entries e where e.shift_id = o.id and e.carer_id = $1)"#,
        carer
    )
    .fetch_one(db)
    .await?;
    let rows = sqlx::query_as!(
        OpenShiftRow,
        r#"select id as "id!", package as "package!", starts_at as "starts_at!", ends_at as "ends_at!", kind as "kind!",
                  headcount as "headcount!", notes, competent_only as "competent_only!", filled as "filled!", 0::int8 as "waiting!"
             from shift_offers o
            where o.status = 'OPEN' and o.deleted_at is null and o.starts_at > now()
              and shift_open_to(o.id, $1)
              and not exists (select 1 from shift_applications a where a.shift_id = o.id and a.carer_id = $1
                                 and not (a.status = 'REJECTED' and a.decided_at < o.published_at))
              and not exists (select 1 from rota_entries e where e.shift_id = o.id and e.carer_id = $1)
            order by o.starts_at, o.id
            limit $2 offset $3"#,
        carer,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(db)
    .await?;
    Ok(page_of(
        rows.into_iter().map(OpenShift::from).collect(),
        total,
        page,
    ))
}

#[tracing::instrument(skip_all)]
pub async fn applications(
    db: &PgPool,
    carer: Uuid,
    page: i64,
) -> Result<Page<MyApplication>, AppError> {
    let page = page.clamp(1, MAX_PAGE);
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from shift_applications where carer_id = $1"#,
        carer
    )
    .fetch_one(db)
    .await?;
    let rows = sqlx::query!(
        r#"select o.id as "id!", o.package as "package!", o.starts_at as "starts_at!", o.ends_at as "ends_at!",
                  o.kind as "kind!", o.headcount as "headcount!", o.notes,
                  o.competent_only as "competent_only!", o.filled as "filled!",
                  a.status::text as "status!", a.applied_at
             from shift_applications a
             join shift_offers o on o.id = a.shift_id
            where a.carer_id = $1
            order by a.applied_at desc, o.id
            limit $2 offset $3"#,
        carer,
        PAGE_SIZE,
        (page - 1) * PAGE_SIZE
    )
    .fetch_all(db)
    .await?;
    let items = rows
        .into_iter()
        .map(|r| MyApplication {
            status: ApplicationStatus::from_db(&r.status),
            applied_at: london::format_datetime(r.applied_at),
            shift: OpenShiftRow {
                id: r.id,
                package: r.package,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                kind: r.kind,
                headcount: r.headcount,
                notes: r.notes,
                competent_only: r.competent_only,
                filled: r.filled,
                waiting: 0,
            }
            .into(),
        })
        .collect();
    Ok(page_of(items, total, page))
}
