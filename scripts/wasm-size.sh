#!/usr/bin/env bash
# The release bundle's size: builds it (unless --no-build) and prints the WASM a page
# loads first (the main module and its scripts) and the whole app (every module,
# lazily loaded ones included), raw, gzip -9 and brotli as served.
#   scripts/wasm-size.sh [--no-build] [--budget-first KIB] [--budget-total KIB]
# With a budget, exits non-zero when the gzip size is over it (the Dockerfile's check).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
build=1 budget_first="" budget_total=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --budget-first) budget_first=$2; shift ;;
    --budget-total) budget_total=$2; shift ;;
    *) die "unknown option $1" ;;
  esac
  shift
done
if [ "$build" = 1 ]; then release_build >/dev/null; fi
pkg="${LEPTOS_SITE_ROOT:-$ROOT/target/site}/pkg"
[ -d "$pkg" ] || die "no site at $pkg: build first"

# This build's files. Hashed names change with every build and old ones stay in the
# directory (the build does not clear it), so each is the newest of its kind.
newest() { # glob patterns… → the most recently written existing file
  ls -t "$@" 2>/dev/null | grep -v '\.\(br\|gz\)$' | head -n 1 || true
}
main_wasm="$(newest "$pkg"/caretrack.wasm "$pkg"/caretrack.*.wasm)"
main_js="$(newest "$pkg"/caretrack.js "$pkg"/caretrack.*.js)"
[ -n "$main_wasm" ] && [ -n "$main_js" ] || die "no caretrack WASM/JS in $pkg"
# A split build: the loader the main script imports, and the manifest of lazy modules.
split_js="$(newest "$pkg"/__wasm_split.*js)"
manifest="$(newest "$pkg"/__wasm_split_manifest*.json)"
first=("$main_wasm" "$main_js")
[ -n "$split_js" ] && first+=("$split_js")
every=("${first[@]}")
if [ -n "$manifest" ]; then
  # Every module the manifest lists, once (chunks shared by pages are listed by each).
  mapfile -t lazy < <(python3 -c 'import json, sys
print("\n".join(sorted({m for ms in json.load(open(sys.argv[1])).values() for m in ms})))' "$manifest")
  for module in "${lazy[@]}"; do every+=("$pkg/$module.wasm"); done
fi

sizes() { # files… → "raw gzip brotli" in bytes
  local raw=0 gz=0 br=0 f g
  for f in "$@"; do
    raw=$((raw + $(stat -c %s "$f")))
    g=$(gzip -9 -c "$f" | wc -c)
    gz=$((gz + g))
    # As served: the build's .br when there is one (a build without --precompress: gzip).
    if [ -f "$f.br" ]; then br=$((br + $(stat -c %s "$f.br"))); else br=$((br + g)); fi
  done
  echo "$raw $gz $br"
}
report() { # label raw gz br
  printf '%-34s %7s KiB raw  %6s KiB gzip  %6s KiB brotli\n' "$1" $(($2 / 1024)) $(($3 / 1024)) $(($4 / 1024))
}
read -r f_raw f_gz f_br <<<"$(sizes "${first[@]}")"
read -r t_raw t_gz t_br <<<"$(sizes "${every[@]}")"
report "first load (main WASM + scripts)" "$f_raw" "$f_gz" "$f_br"
report "whole app (${#every[@]} WASM/JS files)" "$t_raw" "$t_gz" "$t_br"
over=0
if [ -n "$budget_first" ] && [ $((f_gz / 1024)) -gt "$budget_first" ]; then
  warn "first load is $((f_gz / 1024)) KiB gzip, over the budget of $budget_first KiB"
  over=1
fi
if [ -n "$budget_total" ] && [ $((t_gz / 1024)) -gt "$budget_total" ]; then
  warn "the whole app is $((t_gz / 1024)) KiB gzip, over the budget of $budget_total KiB"
  over=1
fi
exit "$over"
