//! The shift sender (SPEC §4): a care manager sends out a shift; carers eligible for it
//! (any carer for a non-competent shift; for a competent one, only carers with a
//! *confirmed* COMPETENT rating or above in every required task) confirm interest; the
//! manager selects from the applicants, seeing each one's rule check, and the selected
//! carers join the published rota. Carers cannot withdraw interest; a manager can.

pub mod api;
mod available_shifts_page;
mod open_shifts_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use available_shifts_page::AvailableShiftsPage;
pub use open_shifts_page::OpenShiftsPage;
