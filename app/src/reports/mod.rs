//! PDF reports (SPEC §6): a manager asks for one, a background job gathers the data and
//! typesets it (the `reports` crate, in the server), the page shows the job's progress
//! live and offers a short-lived download link when it is ready. Reports expire after
//! [`KEEP_DAYS`] unless archived.

pub mod api;
mod reports_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use reports_page::ReportsPage;

/// The job that renders one report: payload `{"report_id": "…"}`.
pub const RENDER_KIND: &str = "reports.render";
/// The hourly sweep that removes expired reports' files.
pub const EXPIRE_KIND: &str = "reports.expire";
/// How long a report's file is kept when nobody archives it.
pub const KEEP_DAYS: i64 = 7;
