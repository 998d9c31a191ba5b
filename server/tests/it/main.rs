//! The integration tests, one binary: each module is one area of the product, run
//! against the real PostgreSQL, Redis, SMTP and S3-compatible servers. One binary
//! instead of one per file saves a 700 MB link per area (and the disk CI caches).

mod common;

mod access;
mod account;
mod analytics;
mod assessments;
mod attacks;
mod audit;
mod auth;
mod care;
mod client_ip;
mod delivery;
mod email;
mod files;
mod http;
mod invitations;
mod jobs;
mod live;
mod openapi;
mod ownership;
mod push;
mod reports;
mod rota;
mod schema;
mod settings;
mod two_factor;
mod users;
mod worker_process;
