//! Wire types and server functions of the Analytics page. Each chart pages on its own.

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
use crate::wire::{Named, Page};
use caretrack::analytics::{BandCounts, Fairness, HoursMix, YearMonth};
use caretrack::ids::{CarePackageId, TaskId, UserId};
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Rows (tasks, carers) in one page of a bar chart.
pub const BARS_PER_PAGE: i64 = 10;
/// Packages in one page of the coverage chart.
pub const PACKAGES_PER_PAGE: i64 = 3;
/// Months in the assessments chart, ending with this one.
pub const MONTHS: usize = 12;
/// The longest period the hours chart covers.
pub const MAX_PERIOD_DAYS: i64 = 366;

/// How the carers assigned to one task stand on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskBands {
    pub task: Named<TaskId>,
    pub category: String,
    pub target: i32,
    pub bands: BandCounts,
}

/// One required task of a package: how many of the package's carers are competent in
/// it (a confirmed rating of Competent or above).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskCoverage {
    pub task: Named<TaskId>,
    pub competent: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageCoverage {
    pub package: Named<CarePackageId>,
    pub carers: u32,
    pub tasks: Vec<TaskCoverage>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarerHours {
    pub carer: Named<UserId>,
    pub mix: HoursMix,
}

/// Every active carer's rota hours between two days (inclusive), busiest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HoursChart {
    /// The period's first and last day (`YYYY-MM-DD`, for the form).
    pub from: String,
    pub to: String,
    /// The same, for people: "26 Oct 2026 to 22 Nov 2026".
    pub period: String,
    pub carers: Page<CarerHours>,
    /// Over every carer, not just this page.
    pub fairness: Fairness,
    /// The most hours anyone worked: every page draws against the same axis.
    pub busiest_minutes: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCount {
    pub month: YearMonth,
    pub completed: u32,
}

#[server(endpoint = "analytics_progress", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn task_progress_bands(page: i64) -> Result<Page<TaskBands>, AppError> {
    serve(Permission::ViewReports, async |Caller { state, .. }| {
        super::ssr::progress(&state.db, page).await
    })
    .await
}

#[server(endpoint = "analytics_coverage", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn coverage_by_package(page: i64) -> Result<Page<PackageCoverage>, AppError> {
    serve(Permission::ViewReports, async |Caller { state, .. }| {
        super::ssr::coverage(&state.db, page).await
    })
    .await
}

/// Both days empty: the last four weeks up to today.
#[server(endpoint = "analytics_hours", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn hours_by_carer(from: String, to: String, page: i64) -> Result<HoursChart, AppError> {
    serve(Permission::ViewReports, async |Caller { state, .. }| {
        let now = time::OffsetDateTime::now_utc();
        super::ssr::hours(&state.db, &from, &to, page, now).await
    })
    .await
}

#[server(endpoint = "analytics_assessments", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn assessments_by_month() -> Result<Vec<MonthCount>, AppError> {
    serve(Permission::ViewReports, async |Caller { state, .. }| {
        super::ssr::assessments(&state.db, time::OffsetDateTime::now_utc()).await
    })
    .await
}
