//! Conducting assessments: the workflow list (progress page 2), starting one, the
//! conductor's view, the autosaved draft (last write wins per item across devices, and
//! the assessor is told when a save replaced another device's edit), evidence, and the
//! submission, which scores the stored draft with the domain core and either waits for
//! approval or completes the assessment (`ratings::issue`).

mod autosave;
mod decide;
mod evidence;
mod list;
mod start;
mod submit;
mod view;

pub use autosave::save_draft;
pub use decide::decide;
pub use evidence::{attach_evidence, remove_evidence};
pub use list::{PAGE_SIZE, list};
pub use start::start;
pub use submit::submit;
pub use view::{draft, view};
