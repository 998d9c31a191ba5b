//! Logging: `tracing` with an `EnvFilter` (from `RUST_LOG`), one line per event.

use tracing_subscriber::{EnvFilter, fmt};

pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|err| {
        eprintln!("RUST_LOG {filter:?} is not a valid filter ({err}); using \"info\"");
        EnvFilter::new("info")
    });
    // A second init (tests, or a subcommand calling back in) keeps the first subscriber.
    let _ = fmt().with_env_filter(filter).with_target(true).try_init();
}
