#!/usr/bin/env bash
# Fast on a carer's phone? Lighthouse 12 (pinned in scripts/lighthouse) with its mobile
# profile — a mid-range phone's CPU and screen, simulated slow 4G — in Debian's Chromium,
# against a release build serving the demo organisation:
#   scripts/bench-phone.sh [--no-build] [--json FILE]
# Prints per page: performance, accessibility, LCP, TBT, bytes on the wire, and the WASM
# bytes a repeat visit downloads; then the targets missed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/services.sh" up >/dev/null
load_env
if [ "${1:-}" = "--no-build" ]; then shift; else release_build; fi
scripts/wasm-size.sh --no-build

lighthouse_dir="$ROOT/scripts/lighthouse"
if [ ! -d "$lighthouse_dir/node_modules" ] || [ "$lighthouse_dir/package-lock.json" -nt "$lighthouse_dir/node_modules/.package-lock.json" ]; then
  say "installing Lighthouse (scripts/lighthouse)"
  (cd "$lighthouse_dir" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

# A database of its own with the demo organisation, and Redis database 3.
db="caretrack_phone_$$"
admin_url="${DATABASE_URL%/*}/postgres"
psql "$admin_url" -qc "create database $db" >/dev/null
port="$(free_port 3300)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  psql "$admin_url" -qc "drop database if exists $db with (force)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
export DATABASE_URL="${DATABASE_URL%/*}/$db" REDIS_URL="${REDIS_URL%/*}/3"
redis-cli -u "$REDIS_URL" flushdb >/dev/null
# What cargo-leptos sets for a release build (the Dockerfile sets the same).
export LEPTOS_OUTPUT_NAME=caretrack LEPTOS_SITE_ROOT="$target_dir/site" LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_HASH_FILES=true LEPTOS_ENV=PROD LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn
"$target_dir/release/server" migrate >/dev/null
"$target_dir/release/server" seed --demo >/dev/null
"$target_dir/release/server" serve &
server_pid=$!
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  sleep 0.5
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || die "the release server did not start"
node "$lighthouse_dir/bench.mjs" "http://127.0.0.1:$port" "$@"
