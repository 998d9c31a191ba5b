#!/usr/bin/env bash
# `make test` (and CI): everything that proves the project works, against real services.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
started=$(date +%s)
step() { say "[$(( $(date +%s) - started ))s] $*"; }

"$ROOT/scripts/bootstrap.sh"
"$ROOT/scripts/services.sh" up
load_env
use_ci_cache
export SQLX_OFFLINE=true
export APP_ENV=test
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step "formatting (rustfmt, and leptosfmt for the view! macros: make fmt writes both)"
cargo fmt --all --check
leptosfmt --check -q app/src frontend/src >/dev/null || {
  leptosfmt --check app/src frontend/src | grep -v '^✅' || true
  die "view! macros are not formatted: run make fmt"
}

step "no unused dependencies (cargo machete)"
cargo machete

step "deployment files: Dockerfile (hadolint) and render.yaml"
scripts/check-deploy.sh

step "clippy: server side (ssr)"
cargo clippy --locked -p caretrack -p app -p reports -p server --all-targets -- -D warnings

step "clippy: browser side (hydrate, wasm32)"
cargo clippy --locked -p caretrack -p app -p frontend --target wasm32-unknown-unknown -- -D warnings

step "domain core builds for wasm32"
cargo build --locked -p caretrack --target wasm32-unknown-unknown

step "database migrations and sqlx offline data (.sqlx) are current"
sqlx migrate run --source migrations >/dev/null
scripts/sqlx-prepare.sh --check

step "unit and integration tests (real PostgreSQL and Redis)"
cargo test --locked -p caretrack -p app -p reports -p server

step "end-to-end tests in Chromium"
e2e_db="caretrack_e2e_$$"
admin_url="${DATABASE_URL%/*}/postgres"
psql "$admin_url" -qc "create database $e2e_db" >/dev/null
# A real SMTP server for the e2e run: the invitation test reads the link from its inbox.
e2e_mail_root="$(mktemp -d)"
# The server's logs of the whole run (JSON, info level), scanned for personal data after.
e2e_log="$e2e_mail_root/server.log"
e2e_maildir="$e2e_mail_root/inbox" # created by the server as a Maildir (new/, cur/, tmp/)
smtp_port="$(free_port 2525)"
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$e2e_maildir" &
smtp_pid=$!
cleanup_e2e() {
  kill "$smtp_pid" 2>/dev/null || true
  rm -rf "$e2e_mail_root"
  psql "$admin_url" -qc "drop database if exists $e2e_db with (force)" >/dev/null 2>&1 || true
}
trap cleanup_e2e EXIT
# Its own Redis database, emptied first: rate limits and sign-in failure counters left by
# earlier runs must not decide this one.
e2e_redis="${REDIS_URL%/*}/2"
redis-cli -u "$e2e_redis" flushdb >/dev/null
site_port="$(free_port 3100)"
reload_port="$(free_port $((site_port + 1)))"
DATABASE_URL="${DATABASE_URL%/*}/$e2e_db" \
  REDIS_URL="$e2e_redis" \
  SMTP_URL="smtp://127.0.0.1:$smtp_port" \
  E2E_MAILDIR="$e2e_maildir" \
  LEPTOS_SITE_ADDR="127.0.0.1:$site_port" \
  LEPTOS_RELOAD_PORT="$reload_port" \
  RUST_LOG="${E2E_RUST_LOG:-info,sqlx=warn,leptos_axum=warn}" \
  LOG_FORMAT=json \
  cargo leptos end-to-end --split --cargo-locked 2>&1 |
  tee "$e2e_log" | grep -v '^{"timestamp"'

step "no personal data in the e2e run's server logs"
scripts/check-logs.sh "$e2e_log"

step "all checks passed"
