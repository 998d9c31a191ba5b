//! One's own account: password (forgotten and changed), email address, devices.

pub mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use pages::{AccountPage, ConfirmEmailPage, ForgotPasswordPage, ResetPasswordPage};
