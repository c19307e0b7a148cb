#!/usr/bin/env bash
# The whole suite: on SQLite (with the browser tests), then on a real PostgreSQL server.
# Coverage of both runs is combined and printed, then one closing line counts both runs.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
# Parallel workers (pytest-xdist); each gets its own SQLite file and PostgreSQL database.
WORKERS=${TEST_WORKERS:-2}
logs=$(mktemp -d)
url=$(scripts/pg-test-server.sh start)
trap 'scripts/pg-test-server.sh stop; rm -rf "$logs"' EXIT

echo "== SQLite (and browser tests; the two-host walk runs in the PostgreSQL pass)"
"$BIN/pytest" -q -p no:cacheprovider -n "$WORKERS" -m "not hosts" --cov=elearn --cov-report= "$@" |
  tee "$logs/sqlite.log"
echo "== PostgreSQL ($url)"
ELEARN_TEST_DATABASE_URL="$url" "$BIN/pytest" -q -p no:cacheprovider -n "$WORKERS" \
  -m "not browser" --cov=elearn --cov-append --cov-report= "$@" | tee "$logs/postgres.log"
echo "== Coverage (both runs)"
"$BIN/coverage" report --skip-covered --sort=cover | tail -n 25

count() { grep -ohE "[0-9]+ $1" "$logs"/*.log | awk '{n += $1} END {print n + 0}'; }
echo "tests: $(count passed) passed, $(count failed) failed, $(count skipped) skipped"
