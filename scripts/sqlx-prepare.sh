#!/usr/bin/env bash
# Writes the sqlx offline data (.sqlx/) the way CI checks it: against a fresh
# database holding only the migrations. sqlx infers the nullability of a column
# from the query plan, and a plan over tables full of test data can differ from
# the plan over empty ones; preparing against the working database can therefore
# write files that CI's check then rejects. `--check` only compares (make test).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
load_env
command -v sqlx >/dev/null || die "sqlx-cli is missing: run make bootstrap"

scratch="${DATABASE_URL%/*}/caretrack_prepare"
say "fresh database caretrack_prepare"
psql "$DATABASE_URL" -qc 'drop database if exists caretrack_prepare' -c 'create database caretrack_prepare'
DATABASE_URL="$scratch" sqlx migrate run --source "$ROOT/migrations" >/dev/null
say "cargo sqlx prepare $*"
cd "$ROOT"
status=0
DATABASE_URL="$scratch" SQLX_OFFLINE=false cargo sqlx prepare "$@" --workspace -- --locked -p server --all-targets || status=$?
psql "$DATABASE_URL" -qc 'drop database caretrack_prepare'
exit "$status"
