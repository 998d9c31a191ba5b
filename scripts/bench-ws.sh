#!/usr/bin/env bash
# Live fan-out on this machine (release build, real PostgreSQL and Redis):
#   scripts/bench-ws.sh [CLIENTS=1000] [ROUNDS=20]
# CLIENTS signed-in WebSocket clients on one release `server serve`; one event at a
# time published on the Redis bus and delivered to all. Prints p50/p99/max delivery
# latency and the server's RSS (server/examples/ws_fanout.rs).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/services.sh" up >/dev/null
load_env
# A socket each side per client, plus the server's own.
ulimit -n 8192 2>/dev/null || true
SQLX_OFFLINE=true cargo build --quiet --release -p server --bin server --example ws_fanout
SERVER_BIN="$ROOT/target/release/server" RUST_LOG=warn "$ROOT/target/release/examples/ws_fanout" "$@"
