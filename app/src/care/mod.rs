//! Care packages, tasks, assignments and daily practice (SPEC §2).

pub mod api;
mod packages_page;
#[cfg(feature = "ssr")]
pub mod ssr;
mod tasks_page;
pub mod today;

pub use packages_page::PackagesPage;
pub use tasks_page::TasksPage;
pub use today::CarerHome;
