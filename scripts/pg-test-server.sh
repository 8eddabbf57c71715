#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests of the postgresql:// state backend.
#   scripts/pg-test-server.sh start   initdb (first time) into $RUNBOOK_PG_DIR and start it on
#                                     localhost:$RUNBOOK_PG_PORT; prints the URL to use
#   scripts/pg-test-server.sh stop    stop it (the data stays, for a restart)
#   scripts/pg-test-server.sh remove  stop it and delete its folder
# Debian's `postgresql` package provides the server; as root it runs as the `postgres` user
# (the server refuses to run as root). Test-only settings: no fsync, trust authentication on
# localhost: never use this for real runs.
set -euo pipefail
dir=${RUNBOOK_PG_DIR:-/tmp/runbook-test-pg}
port=${RUNBOOK_PG_PORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "pg-test-server: PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2
  exit 77
fi
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-start}" in
  start)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" = 0 ] && chown postgres: "$dir"
      as_owner "$bin/initdb" -D "$dir/data" -A trust -U runbook --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=localhost -c fsync=off -c full_page_writes=off" \
        start >/dev/null || { tail -20 "$dir/server.log" >&2; exit 1; }
    fi
    echo "postgresql://runbook@localhost:$port/postgres"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  remove)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop|remove" >&2
    exit 2
    ;;
esac
