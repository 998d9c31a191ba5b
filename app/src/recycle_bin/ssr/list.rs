//! What is in the bin: counts per kind, the page of deleted items, and what each would
//! bring back.

use crate::recycle_bin::api::{BinCounts, BinItem, BinKind, BinPage, PAGE_SIZE};
use crate::{error::AppError, state::AppState};
use caretrack::{Role, london};
use sqlx::types::Uuid;
use time::OffsetDateTime;

use crate::recycle_bin::ssr::purge::purge_on;

pub(super) fn ids(raw: &[String]) -> Result<Vec<Uuid>, AppError> {
    raw.iter()
        .map(|id| {
            id.parse()
                .map_err(|_| AppError::NotFound("That record".into()))
        })
        .collect()
}

pub(super) fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[tracing::instrument(skip_all)]
pub async fn counts(state: &AppState) -> Result<BinCounts, AppError> {
    let rows = sqlx::query!(
        r#"select kind as "kind!", count(*) as "n!" from recycle_bin_items group by kind"#
    )
    .fetch_all(&state.db)
    .await?;
    let keep_days = sqlx::query_scalar!("select recycle_bin_days from organisation_settings")
        .fetch_one(&state.db)
        .await?;
    let count = |kind: BinKind| {
        rows.iter()
            .find(|row| row.kind == kind.as_str())
            .map_or(0, |row| row.n)
    };
    Ok(BinCounts {
        care_packages: count(BinKind::CarePackage),
        tasks: count(BinKind::Task),
        assessment_templates: count(BinKind::AssessmentTemplate),
        carers: count(BinKind::Carer),
        office_staff: count(BinKind::OfficeStaff),
        keep_days,
    })
}

/// One deleted record as the list queries read it: `first` and `second` are the two
/// counts its kind's impact speaks of, `role` is a person's.
pub(super) struct BinRow {
    id: Uuid,
    name: String,
    deleted_at: OffsetDateTime,
    purge_at: Option<OffsetDateTime>,
    deleted_by: String,
    first: i64,
    second: i64,
    role: Option<String>,
    total: i64,
}

/// What a restore brings back (and a purge removes), in words.
pub(super) fn impact(kind: BinKind, row: &BinRow) -> Result<String, AppError> {
    Ok(match kind {
        BinKind::CarePackage => format!(
            "{} and {} come back with it",
            plural(row.first, "task", "tasks"),
            plural(row.second, "carer's placement", "carers' placements")
        ),
        BinKind::Task => format!(
            "Returns to {}; {} progress on it (a purge deletes that practice record)",
            plural(row.first, "package", "packages"),
            plural(row.second, "carer has", "carers have")
        ),
        BinKind::AssessmentTemplate => format!(
            "Covers its {} again, unless another template has taken one; {} used it",
            plural(row.first, "task", "tasks"),
            plural(row.second, "assessment", "assessments")
        ),
        BinKind::Carer => format!(
            "{} and their progress on {} come back; a purge erases their name and contact details and keeps the practice record anonymously",
            plural(row.first, "placement", "placements"),
            plural(row.second, "task", "tasks")
        ),
        BinKind::OfficeStaff => {
            let role: Role = row
                .role
                .as_deref()
                .and_then(|r| r.parse().ok())
                .ok_or(AppError::Internal)?;
            format!(
                "Comes back as {} and signs in again; a purge erases their name and contact details",
                role.label().to_lowercase()
            )
        }
    })
}

#[tracing::instrument(skip_all)]
pub async fn list(state: &AppState, kind: BinKind, page: i64) -> Result<BinPage, AppError> {
    let page = page.max(1);
    let offset = (page - 1) * PAGE_SIZE;
    // Each query: the record, who deleted it, when the sweep purges it, two counts.
    let rows = match kind {
        BinKind::CarePackage => sqlx::query_as!(
            BinRow,
            r#"select p.id, p.name, p.deleted_at as "deleted_at!", d.purge_at as "purge_at?",
                      coalesce(pr.first_name || ' ' || pr.last_name, u.email, 'CareTrack') as "deleted_by!",
                      (select count(*) from package_tasks where package_id = p.id) as "first!",
                      (select count(*) from carer_packages where package_id = p.id) as "second!",
                      null::text as "role?",
                      count(*) over () as "total!"
                 from care_packages p
                 left join recycle_bin_due d on d.kind = 'CarePackage' and d.id = p.id
                 left join users u on u.id = p.deleted_by
                 left join user_profiles pr on pr.user_id = p.deleted_by
                where p.deleted_at is not null
                order by p.deleted_at desc, p.id
                limit $1 offset $2"#,
            PAGE_SIZE,
            offset
        )
        .fetch_all(&state.db)
        .await?,
        BinKind::Task => sqlx::query_as!(
            BinRow,
            r#"select t.id, t.name, t.deleted_at as "deleted_at!", d.purge_at as "purge_at?",
                      coalesce(pr.first_name || ' ' || pr.last_name, u.email, 'CareTrack') as "deleted_by!",
                      (select count(*) from package_tasks where task_id = t.id) as "first!",
                      (select count(*) from task_progress where task_id = t.id and completed_count > 0) as "second!",
                      null::text as "role?",
                      count(*) over () as "total!"
                 from tasks t
                 left join recycle_bin_due d on d.kind = 'Task' and d.id = t.id
                 left join users u on u.id = t.deleted_by
                 left join user_profiles pr on pr.user_id = t.deleted_by
                where t.deleted_at is not null
                order by t.deleted_at desc, t.id
                limit $1 offset $2"#,
            PAGE_SIZE,
            offset
        )
        .fetch_all(&state.db)
        .await?,
        BinKind::AssessmentTemplate => sqlx::query_as!(
            BinRow,
            r#"select t.id, v.title as name, t.deleted_at as "deleted_at!", d.purge_at as "purge_at?",
                      coalesce(pr.first_name || ' ' || pr.last_name, u.email, 'CareTrack') as "deleted_by!",
                      cardinality(v.covered_task_ids)::bigint as "first!",
                      (select count(*) from assessments a where a.template_id = t.id) as "second!",
                      null::text as "role?",
                      count(*) over () as "total!"
                 from assessment_templates t
                 join assessment_template_versions v
                   on v.template_id = t.id and v.version = t.current_version
                 left join recycle_bin_due d on d.kind = 'AssessmentTemplate' and d.id = t.id
                 left join users u on u.id = t.deleted_by
                 left join user_profiles pr on pr.user_id = t.deleted_by
                where t.deleted_at is not null
                order by t.deleted_at desc, t.id
                limit $1 offset $2"#,
            PAGE_SIZE,
            offset
        )
        .fetch_all(&state.db)
        .await?,
        BinKind::Carer | BinKind::OfficeStaff => sqlx::query_as!(
            BinRow,
            r#"select x.id, coalesce(p.first_name || ' ' || p.last_name, x.email) as "name!",
                      x.deleted_at as "deleted_at!", d.purge_at as "purge_at?",
                      coalesce(pr.first_name || ' ' || pr.last_name, u.email, 'CareTrack') as "deleted_by!",
                      (select count(*) from carer_packages where carer_id = x.id) as "first!",
                      (select count(*) from task_progress where carer_id = x.id and completed_count > 0) as "second!",
                      x.role::text as "role?",
                      count(*) over () as "total!"
                 from users x
                 left join user_profiles p on p.user_id = x.id
                 left join recycle_bin_due d on d.kind = $3 and d.id = x.id
                 left join users u on u.id = x.deleted_by
                 left join user_profiles pr on pr.user_id = x.deleted_by
                where x.deleted_at is not null and x.anonymised_at is null
                  and (x.role = 'CARER') = $4
                order by x.deleted_at desc, x.id
                limit $1 offset $2"#,
            PAGE_SIZE,
            offset,
            kind.as_str(),
            kind == BinKind::Carer,
        )
        .fetch_all(&state.db)
        .await?,
    };
    let total = rows.first().map_or(0, |r| r.total);
    let items = rows
        .iter()
        .map(|r| {
            Ok(BinItem {
                id: r.id.to_string(),
                name: r.name.clone(),
                deleted: london::format_datetime(r.deleted_at),
                deleted_by: r.deleted_by.clone(),
                purge_on: purge_on(kind, r.purge_at),
                impact: impact(kind, r)?,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(BinPage {
        kind,
        items,
        total,
        page,
        page_size: PAGE_SIZE,
    })
}
