//! A package's DAY and NIGHT slots: its slot plan, and the week's shifts made from it.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
