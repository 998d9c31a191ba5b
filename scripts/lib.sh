# Shared helpers for the project scripts. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/.data"

say() { printf '\033[1;36m==>\033[0m %s\n' "$*"; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# True when something is listening on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints a free TCP port on 127.0.0.1, starting the search at $1.
free_port() {
  local port=$1
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}

# Exports every variable in .env (the services' URLs and the dev secrets).
load_env() {
  [ -f "$ROOT/.env" ] || die ".env is missing: run scripts/services.sh up first"
  set -a
  # shellcheck disable=SC1091
  . "$ROOT/.env"
  set +a
}

# CI starts every run from a fresh clone; keep compiled artifacts outside it so a
# second run on the same machine is warm. Local runs use ./target as usual.
use_ci_cache() {
  if [ "${CI:-}" = "true" ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
    export CARGO_TARGET_DIR="${CARETRACK_CACHE_DIR:-$HOME/.cache/caretrack}/target"
    mkdir -p "$CARGO_TARGET_DIR"
    say "CI: using the warm build cache at $CARGO_TARGET_DIR"
    prune_workspace_artifacts "$CARGO_TARGET_DIR"
  fi
}

# Cargo never deletes an artifact, and each of ours is hundreds of megabytes: left alone,
# the CI cache grew by gigabytes a run until the disk filled. The workspace crates are
# rebuilt on every submission anyway (their sources changed), so dropping their old
# artifacts costs nothing; the dependencies, which make the cache worth keeping, stay.
prune_workspace_artifacts() {
  local deps
  for deps in "$1"/*/deps "$1"/*/*/deps "$1"/*/*/*/deps; do
    [ -d "$deps" ] || continue
    find "$deps" -maxdepth 1 -type f \( \
      -regex '.*/\(lib\)?\(app\|server\|caretrack\|frontend\|it\)-[0-9a-f]+\(\..*\)?' \
      -o \( -executable ! -name '*.*' \) \) -delete
  done
  rm -rf "$1"/*/incremental
}

# The wasm-bindgen version pinned in Cargo.lock.
locked_wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# The one release build (make wasm-size, the phone benchmark; the Dockerfile runs the same
# command): the server at opt-level 3, the WASM through the wasm-release profile and
# wasm-opt -Oz, every static file hashed and precompressed (brotli and gzip). wasm-opt is
# the version package-lock.json pins (binaryen from npm): cargo-leptos looks for it on PATH.
# cargo-leptos writes its .gz files at a fast level (the main module: 494 KiB against
# gzip -9's 432), so they are written again at -9: a browser without brotli gets what
# `make wasm-size` reports.
release_build() {
  [ -x "$ROOT/node_modules/.bin/wasm-opt" ] || die "wasm-opt is missing: run make bootstrap"
  PATH="$ROOT/node_modules/.bin:$PATH" SQLX_OFFLINE=true \
    cargo leptos build --release --precompress --split "$@" || die "the release build failed"
  local gz
  for gz in "${LEPTOS_SITE_ROOT:-$ROOT/target/site}"/pkg/*.gz; do
    if [ -f "${gz%.gz}" ]; then gzip -9 -n -c "${gz%.gz}" >"$gz"; fi
  done
}
