//! One's own account: password (forgotten and changed), email address, devices.

mod account_page;
pub mod api;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use account_page::{AccountPage, ConfirmEmailPage, ForgotPasswordPage, ResetPasswordPage};
