//! Wire types and server functions of the Reports page.

#[cfg(feature = "ssr")]
use crate::auth::door::{Caller, serve};
use crate::error::AppError;
use crate::wire::Named;
use caretrack::ids::{CarePackageId, UserId};
#[cfg(feature = "ssr")]
use caretrack::permissions::Permission;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const REPORTS_PER_PAGE: i64 = 20;

/// What to report on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReportRequest {
    /// A carer's competency evidence pack.
    EvidencePack { carer_id: UserId },
    /// A care package's rota for the week starting on `week` (a Monday, `YYYY-MM-DD`).
    RotaWeek {
        package_id: CarePackageId,
        week: String,
    },
    /// Compliance between two dates inclusive (`YYYY-MM-DD`).
    Compliance { from: String, to: String },
}

impl ReportRequest {
    /// The `kind` column's spelling.
    pub fn kind(&self) -> &'static str {
        match self {
            ReportRequest::EvidencePack { .. } => "EVIDENCE_PACK",
            ReportRequest::RotaWeek { .. } => "ROTA_WEEK",
            ReportRequest::Compliance { .. } => "COMPLIANCE",
        }
    }
}

/// Where a report stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReportStatus {
    Queued,
    Running,
    Ready,
    Failed,
    Expired,
}

impl ReportStatus {
    pub fn parse(text: &str) -> Self {
        match text {
            "RUNNING" => Self::Running,
            "READY" => Self::Ready,
            "FAILED" => Self::Failed,
            "EXPIRED" => Self::Expired,
            _ => Self::Queued,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "Queued",
            Self::Running => "In progress",
            Self::Ready => "Ready",
            Self::Failed => "Failed",
            Self::Expired => "Expired",
        }
    }

    /// Still being made: the page follows its progress.
    pub fn in_progress(self) -> bool {
        matches!(self, Self::Queued | Self::Running)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub id: caretrack::ids::ReportId,
    pub title: String,
    pub status: ReportStatus,
    pub progress: i16,
    pub stage: String,
    pub requested_by: String,
    /// UK time, "21 Nov 2026, 14:05".
    pub requested: String,
    /// "3 pages, 84 KiB, typeset in 0.4 s", once ready.
    pub details: String,
    /// "Expires 28 Nov 2026, 14:05", "Archived by …", or "".
    pub keeping: String,
    pub archived: bool,
    pub error: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportList {
    pub rows: Vec<ReportRow>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

/// What the request forms offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportChoices {
    pub carers: Vec<Named<UserId>>,
    pub packages: Vec<Named<CarePackageId>>,
    /// This week's Monday, and the first and last day of last month (`YYYY-MM-DD`).
    pub this_monday: String,
    pub last_month: (String, String),
}

#[server(endpoint = "reports_list", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn load_reports(page: i64) -> Result<ReportList, AppError> {
    serve(Permission::ViewReports, async |Caller { state, .. }| {
        super::ssr::list(&state.db, page).await
    })
    .await
}

#[server(endpoint = "reports_choices", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn load_report_choices() -> Result<ReportChoices, AppError> {
    serve(
        Permission::ViewReports,
        async |Caller { user, state, .. }| super::ssr::choices(&state, &user).await,
    )
    .await
}

#[server(endpoint = "reports_request", client = crate::csrf::CsrfClient, output = crate::codec::Json, input = leptos::server_fn::codec::Json)]
pub async fn request_report(request: ReportRequest) -> Result<String, AppError> {
    serve(
        Permission::ViewReports,
        async |Caller { actor, state, .. }| super::ssr::request(&state, &actor, request).await,
    )
    .await
}

/// A link that downloads the report for the next few minutes.
#[server(endpoint = "reports_link", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn report_link(id: caretrack::ids::ReportId) -> Result<String, AppError> {
    serve(
        Permission::ViewReports,
        async |Caller { actor, state, .. }| super::ssr::link(&state, &actor, id).await,
    )
    .await
}

/// Keeps a report past its expiry (`keep`), or lets it expire again.
#[server(endpoint = "reports_archive", client = crate::csrf::CsrfClient, output = crate::codec::Json)]
pub async fn archive_report(id: caretrack::ids::ReportId, keep: bool) -> Result<(), AppError> {
    serve(
        Permission::ArchiveReports,
        async |Caller { actor, state, .. }| super::ssr::archive(&state, &actor, id, keep).await,
    )
    .await
}
