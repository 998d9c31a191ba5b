//! The recycle bin: deleted care packages and tasks, restored (with what comes back
//! shown first) or purged for good, one by one or in bulk; everything audited.

pub mod api;
mod page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use page::RecycleBinPage;
