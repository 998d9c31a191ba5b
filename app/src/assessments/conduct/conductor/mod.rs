//! The conductor's parts (the page itself is `super::conductor_page`).

mod draft;
mod evidence;
mod review;
mod steps;

pub(in crate::assessments) use evidence::EvidenceList;
pub(in crate::assessments) use steps::Conductor;
