//! System status: proves the whole path (SSR → hydrate → server function → Postgres
//! and Redis) and backs the `/readyz` probe with the same check.

pub mod api;
mod page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use page::SystemStatusPage;
