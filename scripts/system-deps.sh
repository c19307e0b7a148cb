#!/usr/bin/env bash
# Install what the tests need from Debian's packages when it is missing: a PostgreSQL server and
# Chromium (Playwright drives /usr/bin/chromium; it cannot download its own browser here), and
# Redis, nginx and openssl for the two-host test (tests/test_two_hosts.py starts its own
# redis-server and nginx processes; this script neither starts nor enables their services).
set -euo pipefail
missing=()
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Playwright's bundled driver (Node) needs libatomic, which a minimal Debian lacks.
[ -e /usr/lib/x86_64-linux-gnu/libatomic.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/libatomic.so.1 ] || missing+=(libatomic1)
services=()
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || services+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || services+=(nginx)
# The two-host test puts TLS in front, as in production, with a certificate it makes.
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
missing+=(${services[@]+"${services[@]}"})
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# Keep the packages' services from starting during the install (Debian's policy-rc.d: 101 means
# "action forbidden"); a policy already in place (as in Debian's container images) is kept.
policy=""
if [ ${#services[@]} -gt 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
  policy=/usr/sbin/policy-rc.d
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core >/dev/null
# The packages enable their units under systemd: the tests need the programs only, not a Redis
# on 6379 and an nginx on 80 at every boot.
if [ ${#services[@]} -gt 0 ] && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now "${services[@]}" >/dev/null 2>&1 || true
fi
