//! The care manager's home: a card per feature with live counts, and recent activity.

pub mod api;
mod dashboard_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use dashboard_page::AdminHome;
