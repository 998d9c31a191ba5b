#!/usr/bin/env bash
# Daily logging under load on this machine (release build, real PostgreSQL and Redis):
#   scripts/bench-practice.sh [CLIENTS=300] [SECONDS=15] [RATE=0]
# Prints p50/p95/p99 and req/s of POST /api/v1/me/task-completions, the logging
# statement's own rate in pgbench (the floor) and the ratio between them. RATE = 0:
# every client sends again as soon as answered (the most the server can do); RATE > 0:
# the clients together send RATE requests a second on a schedule (latency at that load).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/services.sh" up >/dev/null
load_env
PGBENCH="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)/pgbench"
[ -x "$PGBENCH" ] || die "pgbench not found (it comes with the postgresql package)"
# 300 keep-alive connections plus the server's own sockets.
ulimit -n 4096 2>/dev/null || true
SQLX_OFFLINE=true RUST_LOG=warn PGBENCH="$PGBENCH" \
  cargo run --quiet --release -p server --example practice_load -- "$@"
