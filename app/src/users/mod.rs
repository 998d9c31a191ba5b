//! People (care managers): carers and office staff, search, deactivate/reactivate,
//! role changes, signing someone out everywhere.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;
mod users_page;

pub use users_page::UsersPage;
