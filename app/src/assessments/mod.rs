//! Competency assessments (SPEC §3). So far: an assessment becomes ready in the very
//! statement that logs the completion finishing its practice (`care/ssr/log_practice.sql`),
//! and the `assessment.ready` job tells the carer and the assessors (`ssr::announce_ready`).
//! Templates, the conductor, scoring (`caretrack::assessment`), approval and the carer's
//! confirmation come next.

#[cfg(feature = "ssr")]
pub mod ssr;
