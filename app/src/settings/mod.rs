//! Organisation settings (care managers): two-step verification policy, session
//! lifetimes, devices per person and the sign-in lockout.

pub mod api;
mod settings_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use settings_page::SettingsPage;
