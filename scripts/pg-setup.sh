#!/usr/bin/env bash
# Creates, idempotently, the PostgreSQL role and the one-database-per-service databases the tests and
# the native runner use (loopback only; password auth). Run by scripts/engines.sh once PostgreSQL is up.
set -euo pipefail
psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'kit'")" != "1" ]; then
  psql_admin -c "CREATE ROLE kit LOGIN PASSWORD 'kit' CREATEDB"
fi
# kit_stack_*, kit_gameday_*, kit_browser_*: the pipeline, game-day and browser tests each run their own stack;
# kit_mono_*: the e2e tests' monolith; kit_arch_*: the architectures benchmark (both modes)
for db in kit_catalog kit_orders kit_notifications kit_test \
  kit_stack_catalog kit_stack_orders kit_stack_notifications kit_gameday_catalog kit_gameday_orders kit_gameday_notifications \
  kit_browser_catalog kit_browser_orders kit_browser_notifications kit_mono_catalog kit_mono_orders kit_mono_notifications \
  kit_arch_catalog kit_arch_orders kit_arch_notifications; do
  if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
    psql_admin -c "CREATE DATABASE $db OWNER kit"
  fi
done
