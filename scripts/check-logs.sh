#!/usr/bin/env bash
# Fails if a server log holds personal data of the demo organisation: its clients' names
# and addresses, its staff's names, emails and phone numbers (all read from
# server/src/seed.rs, so the list follows the demo data); or a path segment that looks
# like a token (20 or more URL-safe characters mixing capitals, small letters and digits:
# a password reset, an invitation, a calendar link). `make test` runs it on the logs of
# the whole end-to-end run, which signs every demo person in, opens their records and
# follows the links the emails carry.
#   scripts/check-logs.sh LOGFILE
set -euo pipefail
log="${1:?usage: scripts/check-logs.sh LOGFILE}"
seed="$(dirname "$0")/../server/src/seed.rs"
patterns="$(mktemp)"
trap 'rm -f "$patterns"' EXIT
{
  sed -n 's/^ *client: "\(.*\)",$/\1/p' "$seed"
  # Address lines with a house number (the others are also package or town names).
  sed -n 's/^ *address: "\(.*\)",$/\1/p' "$seed" | sed 's/\\n/\n/g' | grep '[0-9]'
  sed -n 's/^ *email: "\(.*\)",$/\1/p' "$seed"
  sed -n 's/^ *phone: "\(.*\)",$/\1/p' "$seed"
  paste -d' ' <(sed -n 's/^ *first_name: "\(.*\)",$/\1/p' "$seed") \
    <(sed -n 's/^ *last_name: "\(.*\)",$/\1/p' "$seed")
} | sort -u >"$patterns"

values="$(wc -l <"$patterns")"
if [ "$values" -lt 20 ]; then
  echo "check-logs: only $values demo values found in server/src/seed.rs; has its layout changed?" >&2
  exit 1
fi
# The server's log lines are JSON objects; the rest of the run's output (build lines,
# `seed --demo` printing the demo logins for the developer, Playwright) is not log.
records="$(mktemp)"
trap 'rm -f "$patterns" "$records"' EXIT
grep '^{' "$log" >"$records" || true
# The check means something only if the log recorded the traffic.
requests="$(grep -c '"request"' "$records" || true)"
if [ "$requests" -lt 100 ]; then
  echo "check-logs: $log holds $requests request log lines; expected the e2e run's (at info level, JSON)" >&2
  exit 1
fi
if grep -n -F -f "$patterns" "$records" >&2; then
  echo "check-logs: the lines above hold personal data of the demo organisation" >&2
  exit 1
fi
# Random tokens are base64url: long, with capitals, small letters and digits. Ids
# (UUIDs, small hex) and route patterns ({token}) have no capitals.
tokens="$(grep -noE '/[A-Za-z0-9_-]{20,}' "$records" | grep '[A-Z]' | grep '[a-z]' | grep -E ':/.*[0-9]' || true)"
if [ -n "$tokens" ]; then
  echo "$tokens" | head -20 >&2
  echo "check-logs: the lines above (line:segment) log a path segment that looks like a token" >&2
  exit 1
fi
echo "check-logs: $requests request lines, none with any of $values demo names, addresses, emails or phone numbers, nor a token in a path"
