/**
 * `npm run dev`: the whole kit without Docker. Installs and starts PostgreSQL, Redis and RabbitMQ
 * (scripts/engines.sh), then every service — or, with `--monolith`, the same shop as one process
 * (`service=monolith`) beside the load generator — with telemetry to a collector on localhost:4318, and
 * Prometheus (with the kit's rules, on :9090) and Alertmanager (:9093) scraping them, and prints
 * each service's output with its name. `--replicas catalog=2` (also inventory, payments; several
 * comma-separated) runs a service as several processes behind the gateway. Ctrl-C stops everything.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MODE_PROCESSES, startStack } from '@kit/runner';
import { loadCompose } from './compose';
import { parseArgs } from './dev-args';
import { repoPath } from './paths';
import { loopbackTargets, nativePrometheusConfig, startAlertmanager, startPrometheus } from './prometheus';

async function main(): Promise<void> {
  // Ctrl-C while starting: exit at once; the runner's exit hook stops whatever already started
  const early = () => process.exit(130);
  process.once('SIGINT', early);
  process.once('SIGTERM', early);
  const root = repoPath();
  const engines = spawnSync('bash', [path.join(root, 'scripts', 'engines.sh')], { stdio: 'inherit' });
  if (engines.status !== 0) throw new Error('scripts/engines.sh failed');
  const { mode, replicas } = parseArgs(process.argv.slice(2));
  const processes = MODE_PROCESSES[mode];
  const basePort = Number(process.env.KIT_BASE_PORT ?? 8080);
  const prometheusPort = Number(process.env.KIT_PROMETHEUS_PORT ?? 9090);
  const alertmanagerPort = Number(process.env.KIT_ALERTMANAGER_PORT ?? 9093);
  const targets = loopbackTargets(basePort, {
    'localhost:9090': `127.0.0.1:${String(prometheusPort)}`,
    'alertmanager:9093': `127.0.0.1:${String(alertmanagerPort)}`,
    'otel-collector:8888': '127.0.0.1:8888',
    'otel-collector:8889': '127.0.0.1:8889',
  }, processes, replicas);
  const alertmanager = await startAlertmanager({ port: alertmanagerPort });
  const prometheus = await startPrometheus({
    config: nativePrometheusConfig(readFileSync(repoPath('prometheus', 'prometheus.yml'), 'utf8'), targets).yaml,
    port: prometheusPort,
    composeFlags: loadCompose().services.prometheus?.command ?? [],
  });
  // chaos is on natively (loopback only), with the token from the environment or a fresh one
  const chaosToken = process.env.CHAOS_TOKEN !== undefined && process.env.CHAOS_TOKEN.length >= 16 ? process.env.CHAOS_TOKEN : randomBytes(12).toString('hex');
  const chaos = { CHAOS_ENABLED: 'true', CHAOS_TOKEN: chaosToken };
  const width = Math.max(...processes.map((s) => s.length)) + (Object.keys(replicas).length > 0 ? 2 : 0);
  const stack = await startStack({
    mode,
    replicas,
    basePort,
    otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318',
    commonEnv: chaos,
    // a Collector you run yourself on localhost gets the storefront's Faro telemetry when FARO_URL says so
    env: process.env.FARO_URL === undefined ? {} : { gateway: { FARO_URL: process.env.FARO_URL } },
    onLine: (service, line) => process.stdout.write(`${service.padEnd(width)} | ${line}\n`),
  });
  process.stdout.write(`\nthe kit is up:\n${stack.instances.map((s) => `  ${s.padEnd(width)}  ${stack.urls[s] ?? ''}`).join('\n')}\n  prometheus     ${prometheus.url} (the kit's rules and alerts)\n  alertmanager   ${alertmanager.url}\n\nshop:  ${stack.urls.gateway}/  (chaos console: ${stack.urls.gateway}/#/chaos, token below)\ntry: curl ${stack.urls.gateway}/api/health\nchaos: export CHAOS_TOKEN=${chaosToken} KIT_GATEWAY_URL=${stack.urls.gateway} KIT_PROMETHEUS_URL=${prometheus.url}\n       npm run chaos -- help; npm run gameday -- list\n\n`);
  process.removeListener('SIGINT', early);
  process.removeListener('SIGTERM', early);
  const stop = () => {
    void stack
      .stop()
      .then(() => Promise.all([prometheus.stop(), alertmanager.stop()]))
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
