#!/usr/bin/env bash
# The rota rules engine's speed on this machine, native and in WASM:
#   scripts/bench-rota.sh
# Native: criterion (`cargo bench -p caretrack --bench rota`). WASM: the release bundle
# (the wasm-release profile users get) in headless Chromium, timed with performance.now()
# around the frontend's bench_* exports on the same sample rota (200 carers, 4 weeks
# planned, 17 weeks of history). Prints medians and the WASM / native ratios.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/services.sh" up >/dev/null
load_env
out="$ROOT/target/bench-rota"
mkdir -p "$out"

say "native (criterion)"
cargo bench --quiet -p caretrack --bench rota -- --noplot 2>&1 | tee "$out/native.txt"

say "WASM (release bundle in headless Chromium)"
cargo leptos build --release >/dev/null
db="caretrack_bench_rota_$$"
admin_url="${DATABASE_URL%/*}/postgres"
psql "$admin_url" -qc "create database $db" >/dev/null
port="$(free_port 3300)"
DATABASE_URL="${DATABASE_URL%/*}/$db" REDIS_URL="${REDIS_URL%/*}/4" APP_ENV=test \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=caretrack \
  LEPTOS_SITE_PKG_DIR=pkg PUBLIC_URL="http://127.0.0.1:$port" RUST_LOG=warn \
  "${CARGO_TARGET_DIR:-target}/release/server" serve &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; psql "$admin_url" -qc "drop database if exists $db with (force)" >/dev/null 2>&1 || true' EXIT
(cd end2end && SITE="http://127.0.0.1:$port" NATIVE="$out/native.txt" node bench-rota.mjs) | tee "$out/wasm.txt"
