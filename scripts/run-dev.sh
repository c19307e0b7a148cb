#!/usr/bin/env bash
# `make run`: the job queue's worker in the background, the web app in the foreground; Ctrl+C
# stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
"$BIN/flask" jobs worker &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null || true' EXIT INT TERM
"$BIN/flask" run --host 127.0.0.1 --port "${PORT:-5000}"
