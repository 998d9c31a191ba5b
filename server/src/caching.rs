//! How long browsers may keep what we send, and compression of what is not already
//! compressed.
//!
//! - The build's files under `/pkg/` carry a content hash in their names when the site
//!   is built with `hash-files` (`LEPTOS_HASH_FILES=true`, every release build): a new
//!   build is a new name, so a phone keeps them for a year without asking again
//!   (`immutable`). Without hashes (tests, a build without them) they are revalidated.
//! - Pages are personal and change with every action: `no-cache`, so the browser asks
//!   each time (the service worker keeps its own copies of carer pages for offline use).
//! - Every other static file (icons, manifest) is revalidated (`no-cache`): the file
//!   service answers with `Last-Modified`, so an unchanged file costs a 304.
//! - Responses a handler already gave a policy (the service worker script, downloads)
//!   keep theirs.
//!
//! Static files come precompressed from the build (`.br`, `.gz`, served by content
//! negotiation in `leptos_axum`'s file handler); [`compression`] compresses everything
//! else — pages, server-function JSON, exports — on the fly.

use axum::{
    extract::Request,
    http::{Extensions, HeaderMap, HeaderValue, StatusCode, Version, header},
    middleware::Next,
    response::Response,
};
use tower_http::compression::{
    CompressionLayer, CompressionLevel,
    predicate::{DefaultPredicate, NotForContentType, Predicate},
};

const ACCEPT_ENCODING: &[u8] = b"accept-encoding";

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const REVALIDATE: &str = "no-cache";

/// What the cache policy needs to know about the site (from `LeptosOptions`).
#[derive(Clone, Debug)]
pub struct AssetPolicy {
    /// `/pkg/`: where the build's own files are served (shared: cloned per request).
    pkg_prefix: std::sync::Arc<str>,
    /// Whether the build's file names carry content hashes.
    hashed: bool,
}

impl AssetPolicy {
    pub fn new(site_pkg_dir: &str, hashed: bool) -> Self {
        Self {
            pkg_prefix: format!("/{}/", site_pkg_dir.trim_matches('/')).into(),
            hashed,
        }
    }

    /// The `Cache-Control` value for a successful response to `path`.
    fn policy(&self, path: &str) -> &'static str {
        if self.hashed && path.starts_with(&*self.pkg_prefix) {
            IMMUTABLE
        } else {
            REVALIDATE
        }
    }
}

/// Sets `Cache-Control` on every successful or not-modified response without one.
pub async fn add(policy: AssetPolicy, request: Request, next: Next) -> Response {
    let kept = policy.policy(request.uri().path());
    let mut response = next.run(request).await;
    let status = response.status();
    let headers = response.headers_mut();
    // Static files are chosen by `Accept-Encoding` (precompressed variants): a shared
    // cache must key on it. (Responses compressed on the fly get it from the compressor,
    // which sees this one and adds no second.)
    let keyed = headers.get_all(header::VARY).iter().any(|v| {
        v.as_bytes()
            .windows(ACCEPT_ENCODING.len())
            .any(|w| w.eq_ignore_ascii_case(ACCEPT_ENCODING))
    });
    if !keyed {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if headers.contains_key(header::CACHE_CONTROL) {
        return response;
    }
    let value = if status.is_success() || status == StatusCode::NOT_MODIFIED {
        kept
    } else {
        // Errors are never kept: the next try may succeed.
        "no-store"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Brotli or gzip, as the client asks, for responses that are not compressed already
/// (the precompressed static files carry their `Content-Encoding` and pass through).
/// Level 4 for both: a page is compressed on every request, and brotli's 4 already beats
/// gzip's best on HTML and JSON at a fraction of its top levels' time. WASM is left alone (it is always
/// served precompressed when the client accepts it).
pub fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(CompressionLevel::Precise(4))
        .compress_when(
            DefaultPredicate::new()
                .and(NotForContentType::const_new("application/wasm"))
                // Not a WebSocket's 101, a 304 or a 204: only bodies worth the work.
                .and(
                    |status: StatusCode, _: Version, _: &HeaderMap, _: &Extensions| {
                        status == StatusCode::OK
                    },
                ),
        )
}
