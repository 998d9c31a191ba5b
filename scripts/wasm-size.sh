#!/usr/bin/env bash
# Builds the release bundle and prints the WASM size, raw and gzip-compressed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
cargo leptos build --release >/dev/null
wasm="$ROOT/target/site/pkg/caretrack.wasm"
[ -f "$wasm" ] || die "no WASM at $wasm"
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
printf 'release WASM: %s bytes raw (%s KiB), %s bytes gzip -9 (%s KiB)\n' \
  "$raw" $((raw / 1024)) "$gz" $((gz / 1024))
