//! The notification centre: the bell, the list with mark read / mark all read, and each
//! person's choice of channel per kind. `ssr::notify` is how every feature tells
//! someone something.

pub mod api;
mod notifications_page;
pub mod push;
pub mod push_switch;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use notifications_page::{NotificationBell, NotificationsPage, unread_count};
