//! System status: proves the whole path (SSR → hydrate → server function → Postgres
//! and Redis) and backs the `/readyz` probe with the same check.

pub mod api;
mod status_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use status_page::SystemStatusPage;
