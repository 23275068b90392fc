#!/usr/bin/env bash
# Smoke test of the real compose stack, for anyone with Docker (and the GitHub workflow
# .github/workflows/compose-smoke.yml): starts everything, drives checkouts through the gateway, then
# asks every backend — through Grafana's datasource proxy, so the datasources are proven too —
# whether the data arrived. Exits non-zero listing every gap.
#
#   scripts/compose-smoke.sh           # leaves the stack running afterwards
#   scripts/compose-smoke.sh --down    # stops it and removes its volumes at the end
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for tool in docker curl jq; do command -v "$tool" >/dev/null || { echo "compose-smoke: $tool is required" >&2; exit 2; }; done

env_value() { local v; v=$(sed -n "s/^$1=//p" .env | tail -n1); printf '%s' "${!1:-$v}"; }
address=$(env_value PUBLISH_ADDRESS)
gateway="http://${address}:$(env_value GATEWAY_PORT)"
grafana="http://${address}:$(env_value GRAFANA_PORT)"
auth="admin:$(env_value GRAFANA_ADMIN_PASSWORD)"
[ "${1:-}" = "--down" ] && trap 'docker compose down -v --remove-orphans >/dev/null 2>&1 || true' EXIT

started=$SECONDS
echo "compose-smoke: docker compose up (build, then wait for every health check)"
docker compose up -d --build --wait --wait-timeout 300
healthy=$SECONDS
echo "compose-smoke: healthy after $((healthy - started)) s"

echo "compose-smoke: 20 checkouts through the gateway"
for i in $(seq 1 20); do
  curl -fsS -o /dev/null -X POST "$gateway/api/orders" -H 'content-type: application/json' \
    -H "idempotency-key: smoke-$$-$i" \
    -d "{\"customerEmail\":\"smoke@example.com\",\"items\":[{\"productId\":\"p-0$((10 + i))\",\"quantity\":1}],\"card\":{\"token\":\"tok_visa\"}}"
done

gaps=()
# check NAME JQ-FILTER URL: retries for up to 90 s until the filter prints "true"
check() {
  local name=$1 filter=$2 url=$3 deadline=$((SECONDS + 90)) out
  while [ "$SECONDS" -lt "$deadline" ]; do
    if out=$(curl -fsS -u "$auth" "$url" 2>/dev/null) && [ "$(jq -r "$filter" <<<"$out" 2>/dev/null)" = "true" ]; then
      echo "  ok   $name ($((SECONDS - healthy)) s after healthy)"
      return 0
    fi
    sleep 3
  done
  echo "  GAP  $name"
  gaps+=("$name")
}
prom="$grafana/api/datasources/proxy/uid/kit-prometheus/api/v1"
loki="$grafana/api/datasources/proxy/uid/kit-loki/loki/api/v1"
tempo="$grafana/api/datasources/proxy/uid/kit-tempo/api"
query() { jq -rn --arg q "$1" '$q|@uri'; }

echo "compose-smoke: checking every signal"
for uid in kit-prometheus kit-loki kit-tempo kit-alertmanager; do
  check "grafana datasource $uid healthy" '.status == "OK"' "$grafana/api/datasources/uid/$uid/health"
done
check "prometheus scrapes all 7 services" '(.data.result | length) == 7' "$prom/query?query=$(query 'up{job="kit-services"} == 1')"
check "prometheus scrapes the collector" '(.data.result | length) >= 2' "$prom/query?query=$(query 'up{job=~"otel-collector.*"} == 1')"
check "prometheus has the service graph" '(.data.result | length) > 0' "$prom/query?query=$(query 'traces_service_graph_request_total{client="gateway",server="orders"}')"
check "prometheus has tempo span metrics" '(.data.result | length) > 0' "$prom/query?query=$(query 'traces_spanmetrics_calls_total')"
check "prometheus stores exemplars" '(.data | length) > 0' "$prom/query_exemplars?query=$(query 'http_server_request_duration_seconds_bucket')&start=$(($(date +%s) - 600))&end=$(date +%s)"
check "prometheus sees alertmanager" '(.data.activeAlertmanagers | length) == 1' "$prom/alertmanagers"
check "loki has orders logs by service_name" '(.data.result | length) > 0' "$loki/query_range?query=$(query '{service_name="orders"}')&limit=5"
check "loki logs carry trace_id" '([.data.result[].stream.trace_id // empty] | length) > 0' "$loki/query_range?query=$(query '{service_name="orders"} | trace_id != ""')&limit=5"
check "tempo finds orders traces" '(.traces | length) > 0' "$tempo/search?tags=$(query 'service.name=orders')&limit=5"
dashboards=$(find grafana/dashboards -name '*.json' | wc -l)
check "grafana has the $dashboards provisioned dashboards" "([.[] | select(.type == \"dash-db\")] | length) >= $dashboards" "$grafana/api/search?type=dash-db"

if [ "${#gaps[@]}" -gt 0 ]; then
  echo "compose-smoke: ${#gaps[@]} gap(s): ${gaps[*]}" >&2
  docker compose ps >&2
  exit 1
fi
echo "compose-smoke: every signal arrived"
