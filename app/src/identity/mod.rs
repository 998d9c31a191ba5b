//! Signing in and out, and each role's home page.

pub mod api;
mod homes;
mod login_page;

pub use homes::{RoleHome, SignInPrompt};
pub use login_page::LoginPage;
