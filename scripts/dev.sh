#!/usr/bin/env bash
# `npm run dev` (`npm run dev -- --monolith`): the whole kit without Docker (see packages/stack/src/dev.ts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/install.sh
npx tsc -b
exec node packages/stack/dist/dev.js "$@"
