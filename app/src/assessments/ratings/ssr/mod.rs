//! Competency ratings from assessments: issuing them when an assessment completes
//! (pending for the carer), asking approvers first when the approval chain is on, and
//! the carer's confirmation or dispute. Every change is appended to
//! `competency_rating_history` and audited; only a confirmed level is effective.

mod answer;
mod carer;
mod issue;
mod manual;
mod reminders;
mod resolve;

pub use answer::answer;
pub use carer::{answers_for_carer, competencies, for_carer};
pub use issue::{ask_for_approval, issue};
pub use manual::{PAGE_SIZE, queue, set_manually, task_ratings};
pub use reminders::{REVIEW_WINDOW_DAYS, remind_of_reviews, send_reminders};
pub use resolve::resolve;
