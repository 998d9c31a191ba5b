//! One's own account: password (forgotten and changed), email address, devices.

pub mod api;
mod account_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use account_page::{AccountPage, ConfirmEmailPage, ForgotPasswordPage, ResetPasswordPage};
