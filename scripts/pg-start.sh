#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster on loopback for the tests and the native runner. A machine whose
# previous run was killed may still be reaping the old server, or hold its stale lock files, either of
# which stops a new server from starting: wait for the old processes to go, then clear the locks.
set -euo pipefail
version=$(basename /usr/lib/postgresql/*)
for _ in $(seq 1 20); do
  pgrep -x postgres >/dev/null || break
  sleep 0.5
done
if ! pgrep -x postgres >/dev/null; then
  rm -f /var/run/postgresql/.s.PGSQL.5432 /var/run/postgresql/.s.PGSQL.5432.lock \
    "/var/run/postgresql/$version-main.pid" "/var/lib/postgresql/$version/main/postmaster.pid"
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start
