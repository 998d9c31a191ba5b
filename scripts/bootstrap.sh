#!/usr/bin/env bash
# Installs everything the project needs on a Debian machine that has only Rust, Node
# and apt. Idempotent: anything already present at the right version is skipped.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

TOOLCHAIN="$(awk -F'"' '/^channel/ { print $2 }' rust-toolchain.toml)"
CARGO_LEPTOS_VERSION=0.3.11
SQLX_CLI_VERSION=0.8.6
S3S_FS_VERSION=0.17.0
LEPTOSFMT_VERSION=0.1.33
CARGO_MACHETE_VERSION=0.9.2
# python3-aiosmtpd: the real SMTP server the email tests deliver to. clamav-daemon: the
# real virus scanner the upload tests use (with a test signature; no download needed).
APT_PACKAGES=(postgresql redis-server chromium mold python3-aiosmtpd clamav-daemon poppler-utils)
# Tools are built once per machine, sharing one target dir between them.
TOOLS_TARGET="${CARETRACK_CACHE_DIR:-$HOME/.cache/caretrack}/tools-target"

# --- Rust toolchain (RUSTUP_AUTO_INSTALL may be 0: install explicitly) ------------------
if ! rustup toolchain list | grep -q "^$TOOLCHAIN-"; then
  say "installing Rust $TOOLCHAIN"
  rustup toolchain install "$TOOLCHAIN" --profile minimal \
    --component rustfmt --component clippy --target wasm32-unknown-unknown
fi
installed_targets="$(rustup +"$TOOLCHAIN" target list --installed)"
grep -q wasm32-unknown-unknown <<<"$installed_targets" ||
  rustup +"$TOOLCHAIN" target add wasm32-unknown-unknown
installed_components="$(rustup +"$TOOLCHAIN" component list --installed)"
for component in rustfmt clippy; do
  grep -q "^$component" <<<"$installed_components" ||
    rustup +"$TOOLCHAIN" component add "$component"
done

# --- Debian packages ----------------------------------------------------------------
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The Debian packages start system-wide services; the project runs its own instances.
if command -v systemctl >/dev/null; then
  for service in redis-server clamav-daemon clamav-freshclam; do
    if systemctl is-active --quiet "$service" 2>/dev/null; then
      as_root systemctl disable --now "$service" >/dev/null 2>&1 || true
    fi
  done
fi

# --- Cargo tools --------------------------------------------------------------------
cargo_install() { # name version [extra cargo install args…]
  local name=$1 version=$2
  shift 2
  say "installing $name $version (first time on this machine: several minutes)"
  # Tools need not be as optimised as their release profiles ask (fat LTO, one codegen
  # unit): this halves a cold install on two cores.
  CARGO_TARGET_DIR="$TOOLS_TARGET" CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo +"$TOOLCHAIN" install "$name" --version "$version" "$@"
}

# True when cargo-leptos is installed at the pinned version with the no_downloads feature.
cargo_leptos_ready() {
  cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$" || return 1
  node -e '
    const installs = JSON.parse(require("fs").readFileSync(process.argv[1])).installs;
    const entry = Object.entries(installs).find(([k]) => k.startsWith("cargo-leptos " + process.argv[2] + " "));
    process.exit(entry && entry[1].features.includes("no_downloads") ? 0 : 1);
  ' "${CARGO_HOME:-$HOME/.cargo}/.crates2.json" "$CARGO_LEPTOS_VERSION" 2>/dev/null
}

if ! cargo_leptos_ready; then
  # no_downloads: cargo-leptos must never fetch wasm-bindgen, wasm-opt, sass or tailwind.
  cargo_install cargo-leptos "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly. (--locked
# fails: one of its locked dependencies is missing from the registry mirror.)
WASM_BINDGEN_VERSION="$(locked_wasm_bindgen_version)"
[ -n "$WASM_BINDGEN_VERSION" ] || die "wasm-bindgen is not in Cargo.lock"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  cargo_install wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
fi

if ! sqlx --version 2>/dev/null | grep -q " $SQLX_CLI_VERSION\$"; then
  cargo_install sqlx-cli "$SQLX_CLI_VERSION" --locked --no-default-features --features rustls,postgres
fi

# s3s-fs: the real S3-compatible server (SigV4 and presigned URLs verified) that the
# file-storage tests talk to.
if ! s3s-fs --version 2>/dev/null | grep -q " $S3S_FS_VERSION\$"; then
  cargo_install s3s-fs "$S3S_FS_VERSION" --locked --features binary
fi

# The view! macro formatter and the unused-dependency check CI runs (about 85 s to build
# both on two cores, once per machine).
if ! leptosfmt --version 2>/dev/null | grep -q " $LEPTOSFMT_VERSION\$"; then
  cargo_install leptosfmt "$LEPTOSFMT_VERSION" --locked
fi
if ! cargo machete --version 2>/dev/null | grep -q "$CARGO_MACHETE_VERSION"; then
  cargo_install cargo-machete "$CARGO_MACHETE_VERSION" --locked
fi

# --- Node packages: wasm-opt (binaryen) for release builds, Playwright for end2end ----
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 # Debian's chromium is used; never download one
npm_install() { # dir
  local dir=$1
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing npm packages in ${dir#"$ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
npm_install "$ROOT"
npm_install "$ROOT/end2end"

say "toolchain ready: $(rustc +"$TOOLCHAIN" --version), $(cargo leptos --version), $(wasm-bindgen --version), $(sqlx --version)"
