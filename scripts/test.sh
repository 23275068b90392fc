#!/usr/bin/env bash
# The kit's one test command (`make test`; CI's .ci/run calls exactly this). On a machine with only
# Node 20, npm and apt it installs Node 24, the dependencies and the engines, then builds, lints,
# type-checks, runs every test, and runs the benchmarks once in quick mode so they cannot rot.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
step() { printf '\n== %s ==\n' "$*"; }
source scripts/install.sh
step "node $(node --version), npm $(npm --version)"

step "engines"
scripts/engines.sh

step "the OpenTelemetry Collector (built from otel-collector/builder.yaml; cached)"
KIT_OTELCOL_BIN=$(scripts/otelcol-build.sh)
export KIT_OTELCOL_BIN
"$KIT_OTELCOL_BIN" --version

step "build"
npm run build

step "lint and type-check tests"
npm run lint
npm run typecheck:tests

step "tests"
mkdir -p .kit-run
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.kit-run/vitest.json || status=$?
node -e '
  const r = require("./.kit-run/vitest.json");
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
'
[ "$status" -eq 0 ] || exit "$status"

step "benchmark smoke runs (quick mode: proves the harnesses work; figures come from npm run bench / bench:checkout / bench:architectures)"
BENCH_QUICK=1 npm run --silent bench:run
BENCH_QUICK=1 node bench/dist/checkout.js
BENCH_QUICK=1 node bench/dist/architectures.js
