//! Logging: `tracing` with an `EnvFilter` (from `RUST_LOG`), one line per event: a JSON
//! object in production (`LOG_FORMAT=json`, for log collectors), plain text otherwise.
//!
//! Personal data and secrets stay out of the logs: request spans carry the route's
//! pattern, never the path (`startup::loggable_route`: a path may hold a token), events
//! name records by id, and `make test` scans the logs of the whole end-to-end run for the
//! demo organisation's client and staff names and for token-looking path segments
//! (`scripts/check-logs.sh`).

use tracing_subscriber::{EnvFilter, fmt};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

pub fn init(filter: &str, format: LogFormat) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|err| {
        eprintln!("RUST_LOG {filter:?} is not a valid filter ({err}); using \"info\"");
        EnvFilter::new("info")
    });
    let builder = fmt().with_env_filter(filter).with_target(true);
    // A second init (tests, or a subcommand calling back in) keeps the first subscriber.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
}
