//! Listing, restoring and purging deleted care packages, tasks and people. Records stay
//! in the bin for `organisation_settings.recycle_bin_days` (30 by default) before the
//! daily sweep purges them (the view `recycle_bin_due` says what and when), and the
//! managers are emailed a week before. Purging a package keeps carers' practice history
//! (the completions lose their package); purging a task removes everyone's progress on
//! it, so the sweep leaves tasks with practice or ratings recorded for a manager to
//! decide, as it leaves carers. Purging a person erases them (`erase`).

mod expiry;
mod list;
mod purge;
mod restore;

pub use expiry::{WARN_DAYS, purge_expired, warn_of_purges};
pub use list::{counts, list};
pub use purge::purge;
pub use restore::restore;
