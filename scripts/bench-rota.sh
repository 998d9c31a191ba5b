#!/usr/bin/env bash
# The rota rules engine's speed on this machine, native and in WASM:
#   scripts/bench-rota.sh
# Native: criterion (`cargo bench -p caretrack --bench rota`). WASM: the engine alone
# (benches/wasm, kept out of the app bundle) built
# as users get it (the wasm-release profile, wasm-bindgen, wasm-opt -Oz), loaded by a
# bare page in headless Chromium (Debian's) and timed with performance.now() around its
# bench_* exports on the same sample rota (200 carers, 4 weeks planned, 17 weeks of
# history). Prints medians and the WASM / native ratios.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
target="${CARGO_TARGET_DIR:-$ROOT/target}"
out="$target/bench-rota"
mkdir -p "$out/site/pkg"

say "native (criterion)"
cargo bench --quiet -p caretrack --bench rota -- --noplot 2>&1 | tee "$out/native.txt"

say "WASM (wasm-release profile) in headless Chromium"
cargo build --quiet -p rota-bench-wasm --lib --target wasm32-unknown-unknown --profile wasm-release
wasm-bindgen --target web --no-typescript --out-dir "$out/site/pkg" --out-name caretrack \
  "$target/wasm32-unknown-unknown/wasm-release/rota_bench_wasm.wasm"
"$ROOT/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$out/site/pkg/caretrack_bg.wasm" -o "$out/site/pkg/caretrack_bg.wasm"
printf '<!doctype html><title>rota bench</title>\n' >"$out/site/index.html"
port="$(free_port 3300)"
/usr/bin/python3 -m http.server "$port" --bind 127.0.0.1 --directory "$out/site" >/dev/null 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
(cd end2end && SITE="http://127.0.0.1:$port" NATIVE="$out/native.txt" node bench-rota.mjs) | tee "$out/wasm.txt"
