//! Invitations: care managers invite people by name, email and role; the invitee
//! accepts from the emailed link.

pub mod api;
mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use pages::{AcceptInvitationPage, InvitationsPage};
