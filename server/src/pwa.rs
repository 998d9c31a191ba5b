//! The carer app's installable parts that cannot be plain static files: the service
//! worker, stamped with a version taken from the build's own files (a new build is a
//! new worker, so open pages can offer the update) and with their names (content-hashed
//! in release builds), and the offline page, which uses the app's stylesheet. The manifest and icons are static files in `public/`.

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

/// The build's own files as the browser asks for them: `caretrack.js`, or
/// `caretrack.<hash>.js` when the build names files by their content (`hash.txt` beside
/// the server binary lists the hashes, as Leptos' own `HydrationScripts` reads them).
struct SiteFiles {
    js: String,
    css: String,
    /// Whether the names carry content hashes.
    hashed: bool,
    /// The first 16 hex digits of a SHA-256 over the three files (`dev` when they are
    /// not there, as in tests without a front-end build).
    version: String,
}

fn site_files(state: &AppState) -> &'static SiteFiles {
    static FILES: OnceLock<SiteFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        let options = &state.leptos_options;
        let name = options.output_name.as_ref();
        let hashes = if options.hash_files {
            std::env::current_exe()
                .ok()
                .and_then(|exe| {
                    std::fs::read_to_string(exe.with_file_name(options.hash_file.as_ref())).ok()
                })
                .unwrap_or_default()
        } else {
            String::new()
        };
        let file = |kind: &str| {
            let hash = hashes.lines().find_map(|line| {
                let (file, hash) = line.split_once(':')?;
                (file.trim() == kind).then(|| hash.trim().to_owned())
            });
            match hash {
                Some(hash) => format!("{name}.{hash}.{kind}"),
                None => format!("{name}.{kind}"),
            }
        };
        let (js, wasm, css) = (file("js"), file("wasm"), file("css"));
        let hashed = js != format!("{name}.js");
        let dir =
            std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
        let mut hasher = Sha256::new();
        let mut found = false;
        for file in [&js, &wasm, &css] {
            if let Ok(bytes) = std::fs::read(dir.join(file)) {
                hasher.update(&bytes);
                found = true;
            }
        }
        let version = if found {
            caretrack::text::hex(&hasher.finalize()[..8])
        } else {
            "dev".to_owned()
        };
        let pkg = format!("/{}", options.site_pkg_dir.trim_matches('/'));
        SiteFiles {
            js: format!("{pkg}/{js}"),
            css: format!("{pkg}/{css}"),
            hashed,
            version,
        }
    })
}

/// `GET /sw.js`: never cached by the browser's HTTP cache, so updates are found.
pub async fn service_worker(State(state): State<AppState>) -> Response {
    let files = site_files(&state);
    let body = WORKER
        .replace("__VERSION__", &files.version)
        .replace("__SCRIPT__", &files.js)
        .replace("__STYLESHEET__", &files.css)
        .replace("__HASHED__", if files.hashed { "true" } else { "false" });
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
    let page = OFFLINE_PAGE.replace("__STYLESHEET__", &site_files(&state).css);
    let mut response = axum::response::Html(page).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    response
}
