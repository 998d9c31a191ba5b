//! The build's own files by the names the browser asks for them: `caretrack.js`, or
//! `caretrack.<hash>.js` when the build names files by their content. `hash.txt` beside
//! the server binary lists the hashes, read here the way Leptos' `HydrationScripts`
//! reads it, once per process.

use leptos::config::LeptosOptions;
use std::{path::PathBuf, sync::OnceLock};

pub struct BuildFiles {
    /// URL paths (`/pkg/caretrack.<hash>.js`) of the main module, its WASM and the
    /// stylesheet.
    pub js: String,
    pub wasm: String,
    pub css: String,
    /// Whether the names carry content hashes.
    pub hashed: bool,
    /// Where the files are on disk (`target/site/pkg`).
    pub dir: PathBuf,
}

impl BuildFiles {
    /// The three files' names within [`BuildFiles::dir`].
    pub fn names(&self) -> [&str; 3] {
        [&self.js, &self.wasm, &self.css].map(|url| url.rsplit('/').next().unwrap_or(url))
    }
}

pub fn build_files(options: &LeptosOptions) -> &'static BuildFiles {
    static FILES: OnceLock<BuildFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        let name = options.output_name.as_ref();
        let hashes = if options.hash_files {
            let read = std::env::current_exe().ok().and_then(|exe| {
                std::fs::read_to_string(exe.with_file_name(options.hash_file.as_ref())).ok()
            });
            if read.is_none() {
                // Pages would ask for names the build did not write and never come alive.
                tracing::error!(
                    "LEPTOS_HASH_FILES is on but the hash file is not beside the server binary"
                );
            }
            read.unwrap_or_default()
        } else {
            String::new()
        };
        let hash = |kind: &str| {
            hashes.lines().find_map(|line| {
                let (file, hash) = line.split_once(':')?;
                (file.trim() == kind).then(|| hash.trim().to_owned())
            })
        };
        let pkg = options.site_pkg_dir.trim_matches('/');
        let url = |kind: &str| match hash(kind) {
            Some(hash) => format!("/{pkg}/{name}.{hash}.{kind}"),
            // wasm-bindgen's own name when cargo-leptos did not name the output
            None if kind == "wasm" && option_env!("LEPTOS_OUTPUT_NAME").is_none() => {
                format!("/{pkg}/{name}_bg.wasm")
            }
            None => format!("/{pkg}/{name}.{kind}"),
        };
        BuildFiles {
            hashed: hash("js").is_some(),
            js: url("js"),
            wasm: url("wasm"),
            css: url("css"),
            dir: PathBuf::from(options.site_root.as_ref()).join(pkg),
        }
    })
}
