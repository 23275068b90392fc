#!/usr/bin/env bash
# `npm run dev` (`npm run dev -- --monolith`): the whole kit without Docker (see packages/stack/src/dev.ts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/install.sh
# the services and the storefront page the gateway serves at / (without it, / would answer 404)
npm run --silent build
exec node packages/stack/dist/dev.js "$@"
