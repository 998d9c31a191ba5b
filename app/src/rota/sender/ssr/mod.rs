//! The shift sender's queries and changes. Eligibility is decided here from *effective*
//! (confirmed) ratings; the rule check of each applicant is the engine's, over the
//! published rota of the shift's week (`crate::rota::cover::ssr::candidates`).

mod apply;
mod decide;
mod lists;
mod send;

pub use apply::apply;
pub use decide::decide;
pub use lists::{applicants, applications, available, open_shifts};
pub use send::{close, open};
pub(in crate::rota) use send::{lock_carers, reject_waiting};
