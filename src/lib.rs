//! CareTrack Pro domain core.
//!
//! Everything here is pure: no I/O, no async runtime, no database, no UI framework.
//! It compiles for native targets (the server) and for `wasm32-unknown-unknown` (the
//! browser), so a rule written once is enforced identically on both sides.
//!
//! Values enter the system through `parse`/`TryFrom` constructors on the types in this
//! crate; once built, a value proves its own validity and downstream code need not
//! re-check it.

pub mod analytics;
pub mod assessment;
pub mod care;
pub mod closed_set;
pub mod competency;
pub mod conduct;
pub mod counts;
pub mod days;
pub mod device;
pub mod email;
pub mod files;
pub mod ical;
pub mod ids;
pub mod live;
pub mod london;
pub mod notification;
pub mod organisation;
pub mod password;
pub mod permissions;
pub mod person_name;
pub mod phone;
pub mod postcode;
pub mod rating;
pub mod retry;
pub mod role;
pub mod rota;
pub mod schedule;
#[cfg(feature = "schemars")]
pub mod schema;
pub mod text;
mod validation;

pub use competency::{CompetencyLevel, RatingSource, RatingState};
pub use counts::{DailyCompletionCount, TargetCount};
pub use email::EmailAddress;
pub use person_name::PersonName;
pub use phone::UkPhoneNumber;
pub use postcode::PostcodeDistrict;
pub use role::Role;
pub use validation::ValidationError;
