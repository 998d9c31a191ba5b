#!/usr/bin/env bash
# `make dev`: bootstrap, services up, migrate, seed demo data, then serve with live reload
# on http://127.0.0.1:3000.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/bootstrap.sh"
"$ROOT/scripts/services.sh" up
load_env
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
port_in_use "${LEPTOS_SITE_ADDR##*:}" &&
  die "something is already listening on $LEPTOS_SITE_ADDR (set LEPTOS_SITE_ADDR=127.0.0.1:PORT to use another port)"

say "building (the first build takes several minutes)"
cargo leptos build --split
server_bin="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')/debug/server"
"$server_bin" migrate
"$server_bin" seed --demo

say "serving on http://$LEPTOS_SITE_ADDR (Ctrl-C to stop; services keep running: make services-down)"
exec cargo leptos watch --split
