//! Daily practice: what a carer has to do today, logging completions, and progress.
//!
//! A log is one SQL statement: it checks the task is the carer's at that package, adds
//! to the day's total only while the total stays within the cap (the row lock of the
//! upsert serialises concurrent logs), adds to global progress and records the
//! completion with the totals it produced. The completion's idempotency key is unique,
//! so a retried request fails that insert, the whole statement rolls back, and the
//! stored totals of the first request are answered again.

mod export;
mod log;
mod progress;
mod today;

pub use export::progress_csv;
pub use log::{Entry, log, log_typed, sync};
pub use progress::{progress, progress_of, reset};
pub use today::today;
