//! The rules engine fed from the database: the input over the reference period and the
//! server's own, authoritative check (the browser runs the same engine on its copy).

pub mod ssr;
