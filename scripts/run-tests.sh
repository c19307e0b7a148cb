#!/usr/bin/env bash
# The whole suite: on SQLite (with the browser tests), then on a real PostgreSQL server.
# Coverage of both runs is combined and printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
url=$(scripts/pg-test-server.sh start)
trap 'scripts/pg-test-server.sh stop' EXIT

echo "== SQLite (and browser tests)"
"$BIN/pytest" -q -p no:cacheprovider --cov=elearn --cov-report= "$@"
echo "== PostgreSQL ($url)"
ELEARN_TEST_DATABASE_URL="$url" "$BIN/pytest" -q -p no:cacheprovider -m "not browser" \
  --cov=elearn --cov-append --cov-report= "$@"
echo "== Coverage (both runs)"
"$BIN/coverage" report --skip-covered --sort=cover | tail -n 25
