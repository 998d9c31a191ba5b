//! The carer app's installable parts that cannot be plain static files: the service
//! worker, stamped with a version taken from the build's own files (a new build is a
//! new worker, so open pages can offer the update), and the offline page, which may use
//! the app's stylesheet. The manifest and icons are static files in `public/`.

use app::state::AppState;
use axum::{
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

const WORKER: &str = include_str!("../pwa/sw.js");
const OFFLINE_PAGE: &str = include_str!("../pwa/offline.html");

/// The first 16 hex digits of a SHA-256 over the site's script, WASM and stylesheet
/// (`dev` when they are not there, as in tests without a front-end build).
fn build_version(state: &AppState) -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let options = &state.leptos_options;
        let dir =
            std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
        let name = options.output_name.as_ref();
        let mut hasher = Sha256::new();
        let mut found = false;
        for file in [
            format!("{name}.js"),
            format!("{name}.wasm"),
            format!("{name}.css"),
        ] {
            if let Ok(bytes) = std::fs::read(dir.join(file)) {
                hasher.update(&bytes);
                found = true;
            }
        }
        if !found {
            return "dev".to_owned();
        }
        caretrack::text::hex(&hasher.finalize()[..8])
    })
}

/// `GET /sw.js`: never cached by the browser's HTTP cache, so updates are found.
pub async fn service_worker(State(state): State<AppState>) -> Response {
    let body = WORKER.replace("__VERSION__", build_version(&state));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // The worker fetches from its own origin only.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'"),
    );
    response
}

/// `GET /offline.html`: what the worker shows for a page it has no copy of.
pub async fn offline_page() -> Response {
    let mut response = axum::response::Html(OFFLINE_PAGE).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    response
}
