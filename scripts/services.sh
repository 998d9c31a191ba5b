#!/usr/bin/env bash
# Project-local PostgreSQL and Redis, with their data under .data/ and their own ports;
# no system configuration is touched. Safe to run twice.
#
#   scripts/services.sh up       start both (initialise on first run); write .env
#   scripts/services.sh down     stop both (data is kept)
#   scripts/services.sh status   say what is running (exit 0 only if both are up)
#   scripts/services.sh restart-postgres   a fast restart (connections cut; scripts/chaos.sh)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
PORTS_FILE="$DATA/ports.env"
REDIS_DIR="$DATA/redis"
PG_SOCKET_DIR="$DATA/pg-socket"

# PostgreSQL refuses to run as root: when we are root it runs as the "postgres" system
# user, whose data must then live where that user can reach it.
PG_USER=""
if [ "$(id -u)" -eq 0 ]; then PG_USER=postgres; fi
as_pg() {
  if [ -n "$PG_USER" ]; then (cd / && runuser -u "$PG_USER" -- "$@"); else "$@"; fi
}

pg_home() {
  if [ -z "$PG_USER" ] || runuser -u "$PG_USER" -- test -x "$DATA"; then
    echo "$DATA/postgres"
  else
    # The checkout is not traversable by the postgres user (e.g. under /root): keep the
    # cluster in a per-checkout directory it can reach, linked from .data/postgres.
    echo "/var/tmp/caretrack-pg-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
  fi
}

load_ports() {
  if [ -f "$PORTS_FILE" ]; then
    # shellcheck disable=SC1090
    . "$PORTS_FILE"
  fi
  if [ -z "${PG_PORT:-}" ] || [ -z "${REDIS_PORT:-}" ]; then
    PG_PORT="$(free_port 54329)"
    REDIS_PORT="$(free_port 63799)"
    mkdir -p "$DATA"
    printf 'PG_PORT=%s\nREDIS_PORT=%s\n' "$PG_PORT" "$REDIS_PORT" >"$PORTS_FILE"
  fi
}

pg_running() { [ -n "$PG_BIN" ] && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }
redis_running() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

# Sets KEY=VALUE in .env, keeping every other line.
set_env() {
  local key=$1 value=$2 file="$ROOT/.env"
  touch "$file"
  if grep -q "^$key=" "$file"; then
    local tmp
    tmp="$(mktemp)"
    awk -v k="$key" -v v="$value" 'BEGIN { FS = OFS = "=" } $1 == k { print k "=" v; next } { print }' "$file" >"$tmp"
    mv "$tmp" "$file"
  else
    printf '%s=%s\n' "$key" "$value" >>"$file"
  fi
}

write_env() {
  set_env DATABASE_URL "postgres://caretrack@127.0.0.1:$PG_PORT/caretrack"
  set_env REDIS_URL "redis://127.0.0.1:$REDIS_PORT/0"
  grep -q '^APP_ENV=' "$ROOT/.env" || set_env APP_ENV development
  # A development key for personal data at rest, generated once and kept: data sealed
  # with it must stay readable across restarts.
  grep -q '^DATA_ENCRYPTION_KEYS=' "$ROOT/.env" ||
    set_env DATA_ENCRYPTION_KEYS "dev1:$(head -c 32 /dev/urandom | base64)"
  # The key that signs the audit log, kept like the data key: the log stays verifiable.
  grep -q '^AUDIT_CHAIN_KEYS=' "$ROOT/.env" ||
    set_env AUDIT_CHAIN_KEYS "dev1:$(head -c 32 /dev/urandom | base64)"
  # The Web Push (VAPID) key: 32 random bytes are a P-256 private key (the chance they
  # are not is 2^-32; the server says so if it happens). Kept: browsers subscribed with it.
  grep -q '^VAPID_PRIVATE_KEY=' "$ROOT/.env" ||
    set_env VAPID_PRIVATE_KEY "$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')"
}

up() {
  [ -n "$PG_BIN" ] || die "PostgreSQL is not installed: run scripts/bootstrap.sh"
  command -v redis-server >/dev/null || die "Redis is not installed: run scripts/bootstrap.sh"
  mkdir -p "$DATA" "$REDIS_DIR" "$PG_SOCKET_DIR"

  local home
  home="$(pg_home)"
  if [ "$home" != "$DATA/postgres" ] && [ ! -e "$DATA/postgres" ]; then
    mkdir -p "$home"
    ln -s "$home" "$DATA/postgres"
  fi
  # Through the symlink, the path may not be reachable by the postgres user.
  mkdir -p "$DATA/postgres/data"
  PGDATA="$(readlink -f "$DATA/postgres")/data"
  if [ -n "$PG_USER" ]; then
    chown "$PG_USER" "$PGDATA" "$PG_SOCKET_DIR"
    # The socket directory must be reachable by the postgres user too.
    runuser -u "$PG_USER" -- test -w "$PG_SOCKET_DIR" || {
      PG_SOCKET_DIR="$(dirname "$(readlink -f "$PGDATA")")/socket"
      mkdir -p "$PG_SOCKET_DIR" && chown "$PG_USER" "$PG_SOCKET_DIR"
    }
  fi

  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    say "initialising a PostgreSQL cluster in $PGDATA"
    as_pg "$PG_BIN/initdb" -D "$PGDATA" -U caretrack --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >/dev/null
    {
      echo "# CareTrack Pro local development cluster"
      echo "listen_addresses = '127.0.0.1'"
      echo "max_connections = 200"
      echo "synchronous_commit = off"
      echo "fsync = off"
      echo "full_page_writes = off"
    } | as_pg tee -a "$PGDATA/postgresql.conf" >/dev/null
  fi

  if pg_running; then
    say "PostgreSQL already running on port $PG_PORT"
  else
    say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_SOCKET_DIR" start >/dev/null ||
      die "PostgreSQL did not start; see $PGDATA/server.log"
  fi
  if ! psql -h 127.0.0.1 -p "$PG_PORT" -U caretrack -d postgres -tAc \
    "select 1 from pg_database where datname = 'caretrack'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U caretrack -d postgres -qc "create database caretrack" >/dev/null
  fi

  if redis_running; then
    say "Redis already running on port $REDIS_PORT"
  else
    say "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" \
      --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
      --save 60 1 --appendonly no >/dev/null
    for _ in $(seq 50); do redis_running && break; sleep 0.1; done
    redis_running || die "Redis did not start; see $REDIS_DIR/redis.log"
  fi

  write_env
  say "services up: PostgreSQL 127.0.0.1:$PG_PORT, Redis 127.0.0.1:$REDIS_PORT (URLs in .env)"
}

down() {
  if pg_running; then
    say "stopping PostgreSQL"
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
  fi
  if redis_running; then
    say "stopping Redis"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
    for _ in $(seq 50); do redis_running || break; sleep 0.1; done
  fi
  say "services down (data kept in .data/)"
}

restart_postgres() {
  pg_running || die "PostgreSQL is not running: scripts/services.sh up"
  say "restarting PostgreSQL (fast: open connections are cut)"
  # pg_ctl restarts with the options it was started with (postmaster.opts).
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 restart -l "$PGDATA/server.log" >/dev/null
}

status() {
  local ok=0
  if pg_running; then echo "PostgreSQL: running on 127.0.0.1:$PG_PORT"; else echo "PostgreSQL: stopped"; ok=3; fi
  if redis_running; then echo "Redis: running on 127.0.0.1:$REDIS_PORT"; else echo "Redis: stopped"; ok=3; fi
  return $ok
}

load_ports
PGDATA="$(readlink -f "$DATA/postgres" 2>/dev/null || echo "$DATA/postgres")/data"
case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  restart-postgres) restart_postgres ;;
  *) echo "usage: scripts/services.sh up|down|status|restart-postgres" >&2; exit 2 ;;
esac
