//! Care packages, tasks, assignments and daily practice (SPEC §2).

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
