#!/usr/bin/env bash
# Builds the kit's OpenTelemetry Collector with the official builder from otel-collector/builder.yaml
# (exactly the components otel-collector/config.yaml uses, at the compose image's version) and prints
# the binary's path. The build is cached per manifest content, so only a changed manifest rebuilds.
#
#   scripts/otelcol-build.sh          # prints e.g. ~/.cache/msa-kit/otelcol-<hash>/otelcol-kit
#
# Needs Go (the machine's Go 1.26 builds 0.158). Without it this fails, loudly: CI must not skip the
# Collector. The Go module proxy reachable here serves modules the checksum database mirror does not
# list, so the build sets GOSUMDB=off and relies on the proxy's TLS for integrity.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
manifest="$root/otel-collector/builder.yaml"

command -v go >/dev/null 2>&1 || { echo "otelcol-build: Go is required to build the Collector (https://go.dev/dl)" >&2; exit 1; }

version=$(sed -n 's/^  version: *//p' "$manifest")
[ -n "$version" ] || { echo "otelcol-build: no dist.version in $manifest" >&2; exit 1; }
hash=$(sha256sum "$manifest" | cut -c1-16)
cache="${KIT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/msa-kit}"
out="$cache/otelcol-$hash"
binary="$out/otelcol-kit"

if [ ! -x "$binary" ]; then
  mkdir -p "$cache/bin" "$out"
  builder="$cache/bin/builder-v$version"
  if [ ! -x "$builder" ]; then
    echo "otelcol-build: installing the builder v$version" >&2
    GOBIN="$cache/bin.tmp" go install "go.opentelemetry.io/collector/cmd/builder@v$version" >&2
    mv "$cache/bin.tmp/builder" "$builder"
    rmdir "$cache/bin.tmp"
  fi
  echo "otelcol-build: building the Collector $version (takes a few minutes the first time)" >&2
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  sed "s|^  output_path:.*|  output_path: $work/build|" "$manifest" >"$work/builder.yaml"
  started=$SECONDS
  (cd "$work" && GOSUMDB=off GOFLAGS=-mod=mod "$builder" --config builder.yaml >"$work/build.log" 2>&1) || {
    tail -n 40 "$work/build.log" >&2
    echo "otelcol-build: the Collector build failed" >&2
    exit 1
  }
  mv "$work/build/otelcol-kit" "$binary.tmp" && mv "$binary.tmp" "$binary"
  echo "otelcol-build: built in $((SECONDS - started)) s" >&2
fi
echo "$binary"
