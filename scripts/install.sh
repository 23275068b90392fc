#!/usr/bin/env bash
# Makes the working tree runnable: Node >= 22.15 on PATH (scripts/use-node.sh) and the npm
# dependencies installed from the lockfile, reinstalled only when the lockfile changed.
# Source it (`source scripts/install.sh`) so the PATH change stays.
kit_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$kit_root/scripts/use-node.sh"
if [ ! -f "$kit_root/node_modules/.package-lock.json" ] || [ "$kit_root/package-lock.json" -nt "$kit_root/node_modules/.package-lock.json" ]; then
  echo "== npm ci =="
  (cd "$kit_root" && npm ci --no-audit --no-fund)
fi
