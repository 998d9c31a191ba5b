//! The carer app's installable parts that cannot be plain static files: the service
//! worker, stamped with a version taken from the build's own files (a new build is a
//! new worker, so open pages can offer the update) and with their names (content-hashed
//! in release builds), and the offline page, which uses the app's stylesheet. The manifest and icons are static files in `public/`.

use app::{
    build_files::{BuildFiles, build_files},
    state::AppState,
};
use axum::{
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

const WORKER: &str = include_str!("../pwa/sw.js");
const OFFLINE_PAGE: &str = include_str!("../pwa/offline.html");

/// The service worker's view of the build: its files (`app::build_files`) and a version,
/// the first 16 hex digits of a SHA-256 over the build's content hashes, or, when its
/// names carry none, over the three files themselves (`dev` when they are not there,
/// as in tests without a front-end build).
struct SiteFiles {
    files: &'static BuildFiles,
    version: String,
}

fn site_files(state: &AppState) -> &'static SiteFiles {
    static FILES: OnceLock<SiteFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        let files = build_files(&state.leptos_options);
        let mut hasher = Sha256::new();
        let mut found = false;
        if files.hashed {
            hasher.update(files.hashes.as_bytes());
            found = true;
        } else {
            for name in files.names() {
                if let Ok(bytes) = std::fs::read(files.dir.join(name)) {
                    hasher.update(&bytes);
                    found = true;
                }
            }
        }
        let version = if found {
            caretrack::text::hex(&hasher.finalize()[..8])
        } else {
            "dev".to_owned()
        };
        SiteFiles { files, version }
    })
}

/// `GET /sw.js`: never cached by the browser's HTTP cache, so updates are found.
pub async fn service_worker(State(state): State<AppState>) -> Response {
    let site = site_files(&state);
    let body = WORKER
        .replace("__VERSION__", &site.version)
        .replace("__SCRIPT__", &site.files.js)
        .replace("__STYLESHEET__", &site.files.css)
        .replace(
            "__HASHED__",
            if site.files.hashed { "true" } else { "false" },
        );
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
pub async fn offline_page(State(state): State<AppState>) -> Response {
    let page = OFFLINE_PAGE.replace("__STYLESHEET__", &build_files(&state.leptos_options).css);
    let mut response = axum::response::Html(page).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    response
}
