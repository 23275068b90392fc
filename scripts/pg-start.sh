#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster on loopback for the tests and the native runner. A machine whose
# previous run was killed may hold stale lock files that would stop the server from starting; they are
# removed first when no postgres process is running.
set -euo pipefail
version=$(basename /usr/lib/postgresql/*)
if ! pgrep -x postgres >/dev/null; then
  rm -f /var/run/postgresql/.s.PGSQL.5432.lock "/var/lib/postgresql/$version/main/postmaster.pid"
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start
