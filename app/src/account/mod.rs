//! One's own account: password (forgotten and changed), email address, devices.

mod account_page;
pub mod api;
mod recovery_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use account_page::AccountPage;
pub use recovery_page::{ConfirmEmailPage, ForgotPasswordPage, ResetPasswordPage};
