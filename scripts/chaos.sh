#!/usr/bin/env bash
# Faults under load against a release build, on loopback only (docs/OPERATIONS.md,
# "Faults under load"): scripts/chaos.sh [CARERS=300] [SECONDS=100]
# Kills and restarts the project's own Redis, restarts its PostgreSQL, and kills a
# worker mid-job, so do not run it while you rely on those services for anything else.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/services.sh" up >/dev/null
load_env
# A real SMTP server for the emails the run queues.
mail_root="$(mktemp -d)"
smtp_port="$(free_port 2625)"
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$mail_root/inbox" &
smtp_pid=$!
trap 'kill "$smtp_pid" 2>/dev/null || true; rm -rf "$mail_root"' EXIT
rm -f .data/chaos-serve.log .data/chaos-worker.log
# The release build of the server binary and of this harness, in a target directory of
# their own (the debug builds of `make test` stay warm).
say "building the release server and the harness (the first time takes a while)"
CARGO_TARGET_DIR="$ROOT/target-chaos" SQLX_OFFLINE=true \
  cargo build --quiet --release -p server --bin server --example chaos
ulimit -n 4096 2>/dev/null || true
CHAOS_ROOT="$ROOT" CHAOS_MAILDIR="$mail_root/inbox" SMTP_URL="smtp://127.0.0.1:$smtp_port" \
  MAIL_FROM="CareTrack Chaos <chaos@caretrack.invalid>" RUST_LOG=warn \
  "$ROOT/target-chaos/release/examples/chaos" "$@"
say "server logs: .data/chaos-serve.log, .data/chaos-worker.log"
