//! Signing in and out, and each role's home page.

pub mod api;
mod homes_page;
mod login_page;
mod me;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use homes_page::{RoleHome, SignInPrompt};
pub use login_page::LoginPage;
pub use me::{CurrentMe, known_me, use_can, use_me};
