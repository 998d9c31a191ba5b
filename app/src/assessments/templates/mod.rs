//! Assessment templates (`/admin/assessments/templates`): versioned on every save;
//! deleting one frees its tasks.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
mod template_page;
mod templates_page;

pub use template_page::TemplatePage;
pub use templates_page::TemplatesPage;
