//! Conducting assessments: the workflow list (progress page 2) and the conductor
//! (`/admin/assessments/:id`).

pub mod api;
mod conductor;
mod conductor_page;
#[cfg(feature = "ssr")]
pub mod ssr;
mod workflow_page;

pub use conductor_page::ConductPage;
pub use workflow_page::{AssessmentsPage, ProgressTabs};
