#!/usr/bin/env bash
# Runs a test against a throwaway PostgreSQL server: initdb in a temporary
# directory, a server listening only on a Unix socket there, the test with
# VELO_TEST_POSTGRES set to its URL, then the server stopped and the directory
# removed, whatever happens. Every step is bounded in time. Exit 77 (skip) when the
# PostgreSQL server programs (Debian `postgresql`) are not installed.
#   with_postgres.sh TEST_EXECUTABLE [ARGS...]
set -euo pipefail

find_bin() {
  command -v "$1" 2>/dev/null && return 0
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/$1" ] && { echo "$dir/$1"; return 0; }
  done
  return 1
}
initdb=$(find_bin initdb) || { echo "skipped: initdb not found (install postgresql)"; exit 77; }
pg_ctl=$(find_bin pg_ctl) || { echo "skipped: pg_ctl not found (install postgresql)"; exit 77; }
command -v psql >/dev/null || { echo "skipped: psql not found (install postgresql-client)"; exit 77; }

dir=$(mktemp -d /tmp/velo-pg.XXXXXX)
chmod 755 "$dir"
# PostgreSQL refuses to run as root: run the server as the postgres user then.
as_server=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "skipped: running as root and there is no postgres user"; exit 77; }
  chown postgres "$dir"
  as_server=(runuser -u postgres --)
fi
stop() {
  timeout 30 "${as_server[@]}" "$pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

timeout 120 "${as_server[@]}" "$initdb" -D "$dir/data" -U velo --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log"; exit 1; }
timeout 60 "${as_server[@]}" "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 50 \
  -o "-c listen_addresses='' -k $dir -p 54329" start >/dev/null ||
  { cat "$dir/server.log"; exit 1; }

export VELO_TEST_POSTGRES="postgresql://velo@/postgres?host=$dir&port=54329"
timeout 300 "$@"
