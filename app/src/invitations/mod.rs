//! Invitations: care managers invite people by name, email and role; the invitee
//! accepts from the emailed link.

pub mod api;
mod invitations_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use invitations_page::{AcceptInvitationPage, InvitationsPage};
