//! What a phone downloads: the build's files precompressed and chosen by the browser's
//! `Accept-Encoding`, kept for a year when their names carry content hashes; pages and
//! server-function answers compressed on the fly and never kept without asking.

use crate::common::*;
use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use sqlx::PgPool;
use std::io::{Read, Write};

/// A stand-in for the WASM: large and repetitive enough that compression shows.
fn wasm_bytes() -> Vec<u8> {
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    for i in 0..20_000u32 {
        bytes.extend_from_slice(format!("fn{}", i % 97).as_bytes());
    }
    bytes
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &Default::default()).unwrap();
    out
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
    out
}

/// A site directory of its own, removed when the test ends.
struct Site(std::path::PathBuf);

impl Site {
    fn new() -> Self {
        Self(std::env::temp_dir().join(format!("caretrack-site-{}", sqlx::types::Uuid::new_v4())))
    }

    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A site as `cargo leptos build --release --precompress` lays it out: the WASM under a
/// hashed name with its `.br` and `.gz` beside it, and an icon.
fn built_site() -> Site {
    let dir = Site::new();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let wasm = wasm_bytes();
    std::fs::write(pkg.join("caretrack.Q2x9bW4_hAsh.wasm"), &wasm).unwrap();
    std::fs::write(pkg.join("caretrack.Q2x9bW4_hAsh.wasm.gz"), gzip(&wasm)).unwrap();
    std::fs::write(pkg.join("caretrack.Q2x9bW4_hAsh.wasm.br"), brotli(&wasm)).unwrap();
    std::fs::write(
        dir.path().join("manifest.webmanifest"),
        "{\"name\":\"CareTrack Pro\"}",
    )
    .unwrap();
    dir
}

fn app_serving(db: PgPool, site: &Site, hashed: bool) -> Router {
    let mut state = state_with(db, &redis_url());
    state.leptos_options = leptos::prelude::LeptosOptions::builder()
        .output_name("caretrack")
        .site_root(site.path().to_str().unwrap())
        .site_pkg_dir("pkg")
        .hash_files(hashed)
        .build();
    server::startup::build_router(state)
}

async fn get_encoded(app: Router, path: &str, accept_encoding: Option<&str>) -> TestResponse {
    let mut request = Request::get(path);
    if let Some(accept) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

fn header(res: &TestResponse, name: header::HeaderName) -> &str {
    res.headers
        .get(&name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

#[sqlx::test(migrations = "../migrations")]
async fn hashed_build_files_come_precompressed_as_asked_and_are_kept_for_a_year(db: PgPool) {
    let site = built_site();
    let app = app_serving(db, &site, true);
    let path = "/pkg/caretrack.Q2x9bW4_hAsh.wasm";
    let wasm = wasm_bytes();

    let br = get_encoded(app.clone(), path, Some("gzip, deflate, br")).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(header(&br, header::CONTENT_ENCODING), "br");
    assert_eq!(header(&br, header::CONTENT_TYPE), "application/wasm");
    assert_eq!(
        header(&br, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert!(
        header(&br, header::VARY)
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    assert!(br.bytes.len() < wasm.len() / 4, "{} bytes", br.bytes.len());
    assert_eq!(unbrotli(&br.bytes), wasm);

    let gz = get_encoded(app.clone(), path, Some("gzip")).await;
    assert_eq!(header(&gz, header::CONTENT_ENCODING), "gzip");
    assert_eq!(gunzip(&gz.bytes), wasm);
    assert_eq!(
        header(&gz, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );

    let plain = get_encoded(app.clone(), path, None).await;
    assert_eq!(header(&plain, header::CONTENT_ENCODING), "");
    assert_eq!(plain.bytes, wasm);

    // Files outside /pkg/ are not named by content: asked about again each time, and an
    // unchanged one costs a 304.
    let manifest = get_encoded(app.clone(), "/manifest.webmanifest", None).await;
    assert_eq!(manifest.status, StatusCode::OK);
    assert_eq!(header(&manifest, header::CACHE_CONTROL), "no-cache");
    let modified = header(&manifest, header::LAST_MODIFIED).to_owned();
    assert!(!modified.is_empty());
    let again = send(
        app,
        Request::get("/manifest.webmanifest")
            .header(header::IF_MODIFIED_SINCE, modified)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

#[sqlx::test(migrations = "../migrations")]
async fn build_files_without_hashed_names_are_revalidated(db: PgPool) {
    let site = built_site();
    let app = app_serving(db, &site, false);
    let res = get_encoded(app, "/pkg/caretrack.Q2x9bW4_hAsh.wasm", Some("br")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(header(&res, header::CACHE_CONTROL), "no-cache");
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_and_answers_are_compressed_on_the_fly_and_never_kept(db: PgPool) {
    let site = built_site();
    // (Unhashed: rendering a page with hashed names reads hash.txt beside the binary.)
    let app = app_serving(db, &site, false);

    let page = get_encoded(app.clone(), "/login", Some("gzip, deflate, br")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(header(&page, header::CONTENT_ENCODING), "br");
    assert_eq!(header(&page, header::CACHE_CONTROL), "no-cache");
    // One `Vary: accept-encoding`, though both the compressor and the cache policy key on it.
    assert_eq!(page.headers.get_all(header::VARY).iter().count(), 1);
    let html = String::from_utf8(unbrotli(&page.bytes)).unwrap();
    assert!(html.contains("<form"), "{html}");
    assert!(page.bytes.len() < html.len() / 2);

    let gz = get_encoded(app.clone(), "/login", Some("gzip")).await;
    assert_eq!(header(&gz, header::CONTENT_ENCODING), "gzip");
    assert_eq!(
        String::from_utf8(gunzip(&gz.bytes)).unwrap().len(),
        html.len()
    );

    let plain = get_encoded(app.clone(), "/login", None).await;
    assert_eq!(header(&plain, header::CONTENT_ENCODING), "");
    assert!(plain.body.contains("<form"));

    // A server function's JSON answer.
    let answer = send(
        app.clone(),
        Request::post("/api/system_status")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(header(&answer, header::CONTENT_ENCODING), "gzip");
    let json: serde_json::Value = serde_json::from_slice(&gunzip(&answer.bytes)).unwrap();
    assert!(json.is_object(), "{json}");

    // A missing file is not kept either.
    let missing = get_encoded(app, "/pkg/caretrack.gone.wasm", Some("br")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(header(&missing, header::CACHE_CONTROL), "no-store");
}
