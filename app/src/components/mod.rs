//! Shared building blocks of the design system.

pub mod form;
pub mod form_refusal;
pub mod layout;
pub mod local_store;
pub mod pager;
pub mod ticker;
pub mod toast;
