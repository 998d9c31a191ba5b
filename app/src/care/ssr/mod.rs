//! Care services (server only): the server functions and the REST handlers call these.

pub mod assignments;
pub mod packages;
pub mod practice;
pub mod tasks;
