//! The analytics page (SPEC §6): how far carers have got with each task, how well each
//! package is covered by competent carers, how evenly rota hours (and nights and
//! weekends) are shared, and how many assessments are completed each month. The charts
//! are SVG drawn on the server, so they show before the page hydrates and print as they
//! are; the maths is `caretrack::analytics`.

mod analytics_page;
pub mod api;
mod charts;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use analytics_page::AnalyticsPage;
