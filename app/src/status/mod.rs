//! System status: proves the whole path (SSR → hydrate → server function → Postgres
//! and Redis) and backs the `/readyz` probe with the same check.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
mod status_page;

pub use status_page::SystemStatusPage;
