#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL server for the tests, on 127.0.0.1:$PGPORT.
# The default port lies below Linux's ephemeral range (32768-60999): a port inside it can be
# held by a closing client connection (TIME_WAIT) left by the tests, and the server then
# cannot listen on it.
#   scripts/pg-test-server.sh start   -> prints the database URL
#   scripts/pg-test-server.sh stop
set -euo pipefail
PGPORT=${ELEARN_TEST_PGPORT:-25432}
DATA=${ELEARN_TEST_PGDATA:-/tmp/elearn-test-pg-$PGPORT}
BINDIR=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n1)")
[ -x "$BINDIR/pg_ctl" ] || { echo "PostgreSQL server binaries not found (make system-deps)" >&2; exit 1; }

as_owner() {
  # initdb and postgres refuse to run as root: use the postgres system account then.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    if [ ! -f "$DATA/PG_VERSION" ]; then
      rm -rf "$DATA"; mkdir -p "$DATA"
      [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DATA"
      as_owner "$BINDIR/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_owner "$BINDIR/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
      as_owner "$BINDIR/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 start \
        -o "-p $PGPORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
    fi
    as_owner "$BINDIR/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='elearn_test'" | grep -q 1 ||
      as_owner "$BINDIR/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres elearn_test
    echo "postgresql+psycopg://postgres@127.0.0.1:$PGPORT/elearn_test"
    ;;
  stop)
    as_owner "$BINDIR/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
