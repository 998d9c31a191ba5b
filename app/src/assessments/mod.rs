//! Competency assessments (SPEC §3).
//!
//! - Templates, versioned on every save (`templates`; server functions in `api`; pages
//!   in `templates_page`, whose editor checks the form with the domain core first).
//! - An assessment becomes ready in the very statement that logs the completion
//!   finishing its practice (`care/ssr/log_practice.sql`); the `assessment.ready` job
//!   tells the carer and the assessors (`ssr::announce_ready`).
//! - The workflow (`conduct`, server functions in `conduct_api`): progress page 2,
//!   starting, the conductor's autosaved draft (last write wins per item), evidence,
//!   the submission scored by `caretrack::conduct`.
//! - Ratings (`ratings`, `ratings_api`): issued pending when an assessment completes;
//!   the carer confirms or disputes.

pub mod api;
#[cfg(feature = "ssr")]
pub mod conduct;
pub mod conduct_api;
mod conductor_page;
mod my_ratings_page;
#[cfg(feature = "ssr")]
pub mod ratings;
pub mod ratings_api;
mod ratings_pages;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
pub mod templates;
mod templates_page;
mod workflow_page;

pub use conductor_page::ConductPage;
pub use my_ratings_page::MyRatingsPage;
pub use ratings_pages::{ConfirmationsPage, ManualRatingsPage};
pub use templates_page::{TemplatePage, TemplatesPage};
pub use workflow_page::{AssessmentsPage, ProgressTabs};
