#!/usr/bin/env bash
# Puts a Node.js that the kit supports (>= 22.15, Node 24 LTS preferred) first on PATH.
# The machines we test on ship Node 20, while the OpenTelemetry SDK and vitest need >= 22.15, so when
# the local node is older this installs Node 24 from the npm registry's `node` package into .tools/node
# (ignored by git) and uses that.
#
#   source scripts/use-node.sh          # adjust PATH in the current shell
#   scripts/use-node.sh CMD [ARGS...]   # run one command with that PATH
kit_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kit_node_dir="$kit_root/.tools/node"
kit_node_spec="node@24"

kit_node_ok() {
  # true when `node` on PATH is >= 22.15
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=15)?0:1)'
}

if [ -x "$kit_node_dir/bin/node" ]; then
  PATH="$kit_node_dir/bin:$PATH"
elif ! kit_node_ok; then
  echo "use-node: $(node --version 2>/dev/null || echo 'no node') is too old; installing $kit_node_spec into .tools/node" >&2
  npm install --global --prefix "$kit_node_dir" --no-audit --no-fund --loglevel=error "$kit_node_spec" >&2
  PATH="$kit_node_dir/bin:$PATH"
fi
export PATH
kit_node_ok || { echo "use-node: could not provide Node >= 22.15" >&2; return 1 2>/dev/null || exit 1; }

if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "$#" -gt 0 ]; then
  exec "$@"
fi
