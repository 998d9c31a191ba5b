//! "Who can cover?" a shift: the carers who could take it, ranked by the engine.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
