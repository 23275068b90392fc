#!/usr/bin/env bash
# Installs (from Debian) and starts, on loopback, the real engines the test suite runs against, then
# waits until each answers. Adding an engine is one line in ENGINES below. A missing or unresponsive
# engine is an error, never a skip: tests that need an engine fail loudly without it.
#
#   scripts/engines.sh            # install + start every engine listed
#   scripts/engines.sh --list     # print the engine names
set -euo pipefail

# name | Debian packages | start command | readiness probe | set-up once ready (idempotent; optional)
ENGINES=(
  "postgresql|postgresql|scripts/pg-start.sh|pg_isready -q -h 127.0.0.1 -p 5432|scripts/pg-setup.sh"
  "redis|redis-server|redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no|redis-cli -h 127.0.0.1 -p 6379 ping|"
  "rabbitmq|rabbitmq-server|rabbitmq-server -detached|rabbitmq-diagnostics -q check_port_connectivity|scripts/rabbitmq-setup.sh"
  "prometheus|prometheus prometheus-alertmanager|:|promtool --version && amtool --version && prometheus-alertmanager --version|"
  # the storefront's browser test drives Debian's Chromium through playwright-core (never a downloaded browser)
  "chromium|chromium fonts-liberation|:|chromium --version|"
)

field() { cut -d'|' -f"$2" <<<"$1"; }

if [ "${1:-}" = "--list" ]; then
  for engine in "${ENGINES[@]}"; do field "$engine" 1; done
  exit 0
fi
[ "${#ENGINES[@]}" -gt 0 ] || { echo "engines: none required yet"; exit 0; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for engine in "${ENGINES[@]}"; do
  for pkg in $(field "$engine" 2); do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "engines: installing ${missing[*]}"
  as_root apt-get update -qq
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for engine in "${ENGINES[@]}"; do
  name=$(field "$engine" 1)
  probe=$(field "$engine" 4)
  if ! bash -c "$probe" >/dev/null 2>&1; then
    echo "engines: starting $name"
    bash -c "$(field "$engine" 3)"
  fi
  for _ in $(seq 1 90); do
    bash -c "$probe" >/dev/null 2>&1 && break
    sleep 1
  done
  bash -c "$probe" >/dev/null 2>&1 || { echo "engines: $name did not become ready" >&2; exit 1; }
  setup=$(field "$engine" 5)
  [ -z "$setup" ] || bash -c "$setup"
  echo "engines: $name ready"
done
