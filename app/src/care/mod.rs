//! Care packages, tasks, assignments and daily practice (SPEC §2).

pub mod api;
#[cfg(feature = "hydrate")]
mod offline;
mod package_assignments;
mod package_page;
mod packages_page;
pub mod pending;
mod progress_page;
#[cfg(feature = "ssr")]
pub mod ssr;
mod tasks_page;
pub mod today_page;

pub use package_page::PackagePage;
pub use packages_page::PackagesPage;
pub use progress_page::ProgressPage;
pub use tasks_page::TasksPage;
pub use today_page::CarerHome;
