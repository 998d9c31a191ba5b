//! The Jobs page (admin): the background queue's state, failures, retry and discard.

pub mod api;
mod jobs_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use jobs_page::JobsPage;
