//! Shared building blocks of the design system.

pub mod layout;
pub mod toast;
