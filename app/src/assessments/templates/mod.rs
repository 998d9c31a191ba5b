//! Assessment templates (`/admin/assessments/templates`): versioned on every save;
//! deleting one frees its tasks.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
mod templates_page;

pub use templates_page::{TemplatePage, TemplatesPage};
