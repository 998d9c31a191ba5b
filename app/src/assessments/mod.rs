//! Competency assessments (SPEC §3), one sub-feature per folder in the feature shape
//! (`api.rs`, `ssr.rs` or `ssr/`, `*_page.rs`).
//!
//! - `templates`: versioned on every save; the editor checks the form with the domain
//!   core first.
//! - `ready`: an assessment becomes ready in the very statement that logs the completion
//!   finishing its practice (`care/ssr/log_practice.sql`); the `assessment.ready` job
//!   tells the carer and the assessors.
//! - `conduct`: the workflow (progress page 2), starting, the conductor's autosaved
//!   draft (last write wins per item), evidence, the submission scored by
//!   `caretrack::conduct`, the approval decision.
//! - `ratings`: issued pending when an assessment completes; the carer confirms or
//!   disputes; disputes resolved, ratings set by hand, the queues, reminders.

pub mod conduct;
pub mod ratings;
#[cfg(feature = "ssr")]
pub mod ready;
pub mod templates;

pub use conduct::{AssessmentsPage, ConductPage, ProgressTabs};
pub use ratings::{ConfirmationsPage, ManualRatingsPage, MyRatingsPage};
pub use templates::{TemplatePage, TemplatesPage};
