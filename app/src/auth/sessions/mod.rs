//! Sessions: live in Redis (`session:<id>`, expiring with the session), mirrored in
//! PostgreSQL for the device list, revocation and audit. Redis is a cache of the
//! mirror: when a key is missing or Redis is down, the mirror decides, so a Redis
//! restart signs nobody out and a revocation always holds.

mod cache;
mod devices;
mod refresh;
mod revoke;
mod start;

pub use cache::{forget_all, is_live};
pub use devices::{SessionInfo, list_live};
pub use refresh::{RefreshOutcome, refresh};
pub use revoke::{revoke, revoke_all_on, sign_out_own};
pub use start::{IssuedTokens, Policy, admit, load_policy, start};
