//! The recycle bin: deleted care packages, tasks, assessment templates, carers and
//! office staff, restored (with what comes back shown first) or purged for good, one by
//! one or in bulk; everything audited. Purging a person is the right-to-erasure purge: their personal
//! data goes and an anonymous stub keeps their practice and the audit chain whole.

pub mod api;
mod recycle_bin_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use recycle_bin_page::RecycleBinPage;
