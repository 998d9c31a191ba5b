//! The editor's week on the server: loaded, saved as a draft, a plan applied to later
//! weeks, published, and read back as published for the exports.

pub(in crate::rota) mod drafts;
mod export;
pub(in crate::rota) mod publish;
pub(in crate::rota) mod reads;

pub use drafts::{apply_pattern, load_week, save_draft};
pub use export::{ExportSlot, PublishedWeek, published_week};
pub use publish::publish;
