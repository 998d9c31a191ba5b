//! The editor's week on the server: loaded, saved as a draft, a plan applied to later
//! weeks, and published.

pub(in crate::rota) mod drafts;
pub(in crate::rota) mod publish;
pub(in crate::rota) mod reads;

pub use drafts::{apply_pattern, load_week, save_draft};
pub use publish::publish;
