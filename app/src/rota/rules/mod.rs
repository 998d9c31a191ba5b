//! The organisation's rota rules (`/admin/settings/rota-rules`): which rules run, at what
//! severity and with what limits.

pub mod api;
mod rules_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use rules_page::RuleSettingsPage;
