#!/usr/bin/env bash
# Job queue throughput on this machine (release build, real PostgreSQL):
#   scripts/bench-jobs.sh [JOBS=10000] [CONCURRENCY=8]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/services.sh" up >/dev/null
load_env
SQLX_OFFLINE=true RUST_LOG=warn cargo run --quiet --release -p server --example job_throughput -- "$@"
