//! Competency ratings: the carer's own (`/carer/ratings`), the office's queues and
//! manual ratings (progress pages 3 and 4).

pub mod api;
mod confirmations_page;
mod my_ratings_page;
mod ratings_page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use confirmations_page::ConfirmationsPage;
pub use my_ratings_page::MyRatingsPage;
pub use ratings_page::ManualRatingsPage;
