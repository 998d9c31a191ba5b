//! The analytics queries. Each reads what its chart needs in a few set-based queries and
//! leaves the banding, the hours mix and the fairness figures to `caretrack::analytics`.

use super::api::{
    BARS_PER_PAGE, CarerHours, HoursChart, MAX_PERIOD_DAYS, MONTHS, MonthCount, PACKAGES_PER_PAGE,
    PackageCoverage, TaskBands, TaskCoverage,
};
use crate::error::AppError;
use crate::reports::ssr::parse_day;
use crate::wire::{Named, Page};
use caretrack::analytics::{self, BandCounts, Fairness, HoursMix, YearMonth};
use caretrack::care::Progress;
use caretrack::london;
use sqlx::PgPool;
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

fn offset(page: i64, size: i64) -> (i64, i64) {
    let page = page.max(1);
    (page, (page - 1) * size)
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Per task (a page of them, by category and name), its assigned carers in progress bands.
#[tracing::instrument(skip_all)]
pub async fn progress(db: &PgPool, page: i64) -> Result<Page<TaskBands>, AppError> {
    let (page, skip) = offset(page, BARS_PER_PAGE);
    let total =
        sqlx::query_scalar!(r#"select count(*) as "n!" from tasks where deleted_at is null"#)
            .fetch_one(db)
            .await?;
    let tasks = sqlx::query!(
        "select id, name, category, target_count from tasks where deleted_at is null
          order by category, name, id limit $1 offset $2",
        BARS_PER_PAGE,
        skip
    )
    .fetch_all(db)
    .await?;
    let ids: Vec<Uuid> = tasks.iter().map(|t| t.id).collect();
    // Each active carer assigned the task (through any live package, once however many),
    // with the global count they have logged.
    let rows = sqlx::query!(
        r#"select a.task_id as "task_id!", t.target_count,
                  coalesce(tp.completed_count, 0) as "current!"
             from carer_assigned_tasks a
             join tasks t on t.id = a.task_id
             join users u on u.id = a.carer_id
             left join task_progress tp on tp.task_id = a.task_id and tp.carer_id = a.carer_id
            where a.task_id = any($1) and u.role = 'CARER' and u.is_active
              and u.deleted_at is null"#,
        &ids
    )
    .fetch_all(db)
    .await?;
    let mut bands: HashMap<Uuid, BandCounts> = HashMap::new();
    for row in rows {
        bands.entry(row.task_id).or_default().add(Progress {
            current: row.current,
            target: row.target_count,
        });
    }
    Ok(Page {
        items: tasks
            .into_iter()
            .map(|t| TaskBands {
                bands: bands.remove(&t.id).unwrap_or_default(),
                task: Named {
                    id: t.id.into(),
                    name: t.name,
                },
                category: t.category,
                target: t.target_count,
            })
            .collect(),
        total,
        page,
        page_size: BARS_PER_PAGE,
    })
}

/// Per package (a page of them, by name): its active carers, and for each task it needs
/// how many of them hold a confirmed rating of Competent or above.
#[tracing::instrument(skip_all)]
pub async fn coverage(db: &PgPool, page: i64) -> Result<Page<PackageCoverage>, AppError> {
    let (page, skip) = offset(page, PACKAGES_PER_PAGE);
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from care_packages where deleted_at is null"#
    )
    .fetch_one(db)
    .await?;
    let packages = sqlx::query!(
        r#"select p.id, p.name,
                  (select count(*) from carer_packages cp join users u on u.id = cp.carer_id
                    where cp.package_id = p.id and u.role = 'CARER' and u.is_active
                      and u.deleted_at is null) as "carers!"
             from care_packages p where p.deleted_at is null
            order by p.name, p.id limit $1 offset $2"#,
        PACKAGES_PER_PAGE,
        skip
    )
    .fetch_all(db)
    .await?;
    let ids: Vec<Uuid> = packages.iter().map(|p| p.id).collect();
    let tasks = sqlx::query!(
        r#"select pt.package_id, t.id, t.name,
                  (select count(*)
                     from carer_packages cp
                     join users u on u.id = cp.carer_id
                     join competency_ratings r on r.carer_id = cp.carer_id and r.task_id = t.id
                    where cp.package_id = pt.package_id and u.role = 'CARER' and u.is_active
                      and u.deleted_at is null
                      and r.effective_level >= 'COMPETENT'::competency_level) as "competent!"
             from package_tasks pt
             join tasks t on t.id = pt.task_id and t.deleted_at is null
            where pt.package_id = any($1)
            order by t.name, t.id"#,
        &ids
    )
    .fetch_all(db)
    .await?;
    let mut by_package: HashMap<Uuid, Vec<TaskCoverage>> = HashMap::new();
    for t in tasks {
        by_package
            .entry(t.package_id)
            .or_default()
            .push(TaskCoverage {
                task: Named {
                    id: t.id.into(),
                    name: t.name,
                },
                competent: count(t.competent),
            });
    }
    Ok(Page {
        items: packages
            .into_iter()
            .map(|p| PackageCoverage {
                tasks: by_package.remove(&p.id).unwrap_or_default(),
                package: Named {
                    id: p.id.into(),
                    name: p.name,
                },
                carers: count(p.carers),
            })
            .collect(),
        total,
        page,
        page_size: PACKAGES_PER_PAGE,
    })
}

/// The period the hours chart shows when none is chosen: the last four weeks, today
/// included.
pub fn default_period(now: OffsetDateTime) -> (Date, Date) {
    let today = london::business_day(now);
    (today - Duration::days(27), today)
}

/// Paid rota hours (less unpaid breaks) per carer for shifts starting between `from`
/// and `to` (London days, inclusive; both empty: [`default_period`]). Every active
/// carer is listed, those with no hours too: fairness is about who is left out as much
/// as who works most.
#[tracing::instrument(skip_all)]
pub async fn hours(
    db: &PgPool,
    from: &str,
    to: &str,
    page: i64,
    now: OffsetDateTime,
) -> Result<HoursChart, AppError> {
    let (first, last) = if from.trim().is_empty() && to.trim().is_empty() {
        default_period(now)
    } else {
        (parse_day("from", from)?, parse_day("to", to)?)
    };
    if last < first {
        return Err(AppError::validation(
            "to",
            "The period ends before it starts.",
        ));
    }
    if (last - first).whole_days() >= MAX_PERIOD_DAYS {
        return Err(AppError::validation(
            "to",
            format!("Choose a period of at most {MAX_PERIOD_DAYS} days."),
        ));
    }
    let (page, skip) = offset(page, BARS_PER_PAGE);
    let (since, until) = (
        london::start_of_day(first),
        london::start_of_day(last + Duration::days(1)),
    );
    let shifts = sqlx::query!(
        r#"select re.carer_id, s.starts_at, s.shift_type = 'NIGHT' as "night!",
                  (extract(epoch from s.ends_at - s.starts_at) / 60)::int8 - s.break_minutes
                      as "minutes!"
             from rota_entries re
             join shifts s on s.id = re.shift_id
            where s.deleted_at is null and s.cancelled_at is null and s.status <> 'CANCELLED'
              and s.starts_at >= $1 and s.starts_at < $2"#,
        since,
        until
    )
    .fetch_all(db)
    .await?;
    let mut mixes: HashMap<Uuid, HoursMix> = HashMap::new();
    for s in &shifts {
        mixes
            .entry(s.carer_id)
            .or_default()
            .add(s.starts_at, s.minutes, s.night);
    }
    let worked: Vec<Uuid> = mixes.keys().copied().collect();
    let carers = sqlx::query!(
        r#"select u.id, coalesce(p.first_name || ' ' || p.last_name, u.email) as "name!"
             from users u left join user_profiles p on p.user_id = u.id
            where u.role = 'CARER' and u.deleted_at is null and (u.is_active or u.id = any($1))
            order by p.last_name nulls last, p.first_name, u.email"#,
        &worked
    )
    .fetch_all(db)
    .await?;
    let mut rows: Vec<CarerHours> = carers
        .into_iter()
        .map(|c| CarerHours {
            mix: mixes.get(&c.id).copied().unwrap_or_default(),
            carer: Named {
                id: c.id.into(),
                name: c.name,
            },
        })
        .collect();
    // Busiest first; the sort is stable, so equal hours keep the name order.
    rows.sort_by_key(|r| std::cmp::Reverse(r.mix.total_minutes()));
    let fairness = Fairness::of(rows.iter().map(|r| &r.mix));
    let busiest_minutes = rows.first().map_or(0, |r| r.mix.total_minutes());
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let items = rows
        .into_iter()
        .skip(usize::try_from(skip).unwrap_or(0))
        .take(usize::try_from(BARS_PER_PAGE).unwrap_or(10))
        .collect();
    Ok(HoursChart {
        from: caretrack::days::text(first),
        to: caretrack::days::text(last),
        period: format!(
            "{} to {}",
            london::format_date(first),
            london::format_date(last)
        ),
        carers: Page::new(items, total, page, BARS_PER_PAGE),
        fairness,
        busiest_minutes,
    })
}

/// Assessments completed in each of the last [`MONTHS`] London calendar months.
#[tracing::instrument(skip_all)]
pub async fn assessments(db: &PgPool, now: OffsetDateTime) -> Result<Vec<MonthCount>, AppError> {
    let this_month = YearMonth::of(london::business_day(now));
    let mut first = this_month;
    for _ in 1..MONTHS {
        first = first.previous();
    }
    let rows = sqlx::query!(
        r#"select extract(year from completed_at at time zone 'Europe/London')::int as "year!",
                  extract(month from completed_at at time zone 'Europe/London')::int as "month!",
                  count(*) as "completed!"
             from assessments
            where status = 'COMPLETED' and deleted_at is null and completed_at >= $1
            group by 1, 2"#,
        london::start_of_day(first.first_day())
    )
    .fetch_all(db)
    .await?;
    let counts: Vec<(YearMonth, u32)> = rows
        .into_iter()
        .map(|r| {
            (
                YearMonth {
                    year: r.year,
                    month: u8::try_from(r.month).unwrap_or(1),
                },
                count(r.completed),
            )
        })
        .collect();
    Ok(analytics::month_series(this_month, MONTHS, &counts)
        .into_iter()
        .map(|(month, completed)| MonthCount { month, completed })
        .collect())
}
