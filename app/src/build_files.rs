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
    /// The hash file's text (empty when the names carry none): a new build, a new text.
    pub hashes: String,
    /// Where the files are on disk (`target/site/pkg`).
    pub dir: PathBuf,
}

impl BuildFiles {
    /// The three files' names within [`BuildFiles::dir`].
    pub fn names(&self) -> [&str; 3] {
        [&self.js, &self.wasm, &self.css].map(|url| url.rsplit('/').next().unwrap_or(url))
    }
}

/// The build's content hashes, `hash.txt` beside the server binary: empty when the
/// build does not name files by their content, an error when it does and the file is
/// not there (pages would ask for names the build did not write and never come alive).
fn read_hashes(options: &LeptosOptions) -> Result<String, String> {
    if !options.hash_files {
        return Ok(String::new());
    }
    let path = std::env::current_exe()
        .map_err(|err| format!("the server binary's own path: {err}"))?
        .with_file_name(options.hash_file.as_ref());
    std::fs::read_to_string(&path).map_err(|err| {
        format!(
            "LEPTOS_HASH_FILES is on but the build's hash file {} is not readable: {err}",
            path.display()
        )
    })
}

/// Refuses a server whose build names files by their content and whose hash file is
/// missing: checked at start, before anything is served.
pub fn check(options: &LeptosOptions) -> Result<(), String> {
    read_hashes(options).map(drop)
}

pub fn build_files(options: &LeptosOptions) -> &'static BuildFiles {
    static FILES: OnceLock<BuildFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        let name = options.output_name.as_ref();
        let hashes = read_hashes(options).unwrap_or_else(|err| {
            // `serve` refused to start on this; a test's server may go on without it.
            tracing::error!("{err}");
            String::new()
        });
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
            hashes: hashes.trim().to_owned(),
            js: url("js"),
            wasm: url("wasm"),
            css: url("css"),
            dir: PathBuf::from(options.site_root.as_ref()).join(pkg),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(hash_files: bool, hash_file: &str) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("caretrack")
            .hash_files(hash_files)
            .hash_file(std::sync::Arc::from(hash_file))
            .build()
    }

    #[test]
    fn a_build_with_hashed_names_and_no_hash_file_is_refused() {
        let err = check(&options(true, "no-such-hash-file.txt")).unwrap_err();
        assert!(err.contains("no-such-hash-file.txt"), "{err}");
    }

    #[test]
    fn a_build_with_hashed_names_and_its_hash_file_starts() {
        let exe = std::env::current_exe().unwrap();
        let file = exe.with_file_name("build-files-test-hash.txt");
        std::fs::write(&file, "js: abc\nwasm: def\ncss: ghi\n").unwrap();
        assert_eq!(check(&options(true, "build-files-test-hash.txt")), Ok(()));
        std::fs::remove_file(file).unwrap();
    }

    #[test]
    fn a_build_with_plain_names_needs_no_hash_file() {
        assert_eq!(check(&options(false, "no-such-hash-file.txt")), Ok(()));
    }
}
