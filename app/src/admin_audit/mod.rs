//! The audit log page (care managers and viewers) and its CSV export.

pub mod api;
mod audit_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use audit_page::AuditPage;
