//! People (care managers): carers and office staff, search, deactivate/reactivate,
//! role changes, signing someone out everywhere.

pub mod api;
mod users_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use users_page::UsersPage;
