//! Competency assessments (SPEC §3). So far: templates, versioned on every save
//! (`templates`, server functions in `api`); an assessment becomes ready in the very
//! statement that logs the completion finishing its practice
//! (`care/ssr/log_practice.sql`), and the `assessment.ready` job tells the carer and the
//! assessors (`ssr::announce_ready`). The templates pages (`templates_page`: list, and an editor that checks the form
//! with the domain core before sending it). Next: the conductor (scoring is
//! `caretrack::assessment`), approval and the carer's confirmation come next.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
pub mod templates;
mod templates_page;

pub use templates_page::{TemplatePage, TemplatesPage};
