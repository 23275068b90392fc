/**
 * Game days against the native stack with real Prometheus (its rules and alerts loaded), PostgreSQL,
 * Redis and RabbitMQ: six scenarios of chaos/scenarios run with `runScenario`, the same code as
 * `npm run gameday`, and every expectation and invariant must hold.
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadScenarios, runScenario, startStack, SERVICES, type RunningStack, type Scenario } from '@kit/runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCompose, loopbackTargets, nativePrometheusConfig, repoPath, startPrometheus, type RunningPrometheus } from '../src/index';

// below 32768, outside the kernel's ephemeral range, so no outgoing connection can hold one of these ports
const BASE_PORT = 22_080;
const PROMETHEUS_PORT = 22_190;
const TOKEN = 'gameday-chaos-token-0123456789';
const IN_CI = ['payments-latency-opens-circuit', 'catalog-crash-restarts', 'gateway-cpu-sheds-load', 'notifications-stall-queue-grows', 'rabbitmq-down-outbox-holds', 'payments-slow-retry-budget'];

let stack: RunningStack;
let prometheus: RunningPrometheus;
const scenarios = new Map<string, Scenario>(loadScenarios(repoPath('chaos', 'scenarios')).map((s) => [s.name, s]));

beforeAll(async () => {
  const flush = spawnSync('redis-cli', ['-h', '127.0.0.1', '-n', '5', 'flushdb'], { encoding: 'utf8' });
  if (flush.status !== 0) throw new Error(`redis-cli failed (is Redis running? scripts/engines.sh starts it): ${flush.stderr}`);
  const targets = loopbackTargets(BASE_PORT, { 'localhost:9090': `127.0.0.1:${String(PROMETHEUS_PORT)}` });
  const compose = loadCompose();
  prometheus = await startPrometheus({
    config: nativePrometheusConfig(readFileSync(repoPath('prometheus', 'prometheus.yml'), 'utf8'), targets).yaml,
    port: PROMETHEUS_PORT,
    composeFlags: compose.services.prometheus?.command ?? [],
  });
  stack = await startStack({
    basePort: BASE_PORT,
    otlpEndpoint: 'http://127.0.0.1:9',
    redisUrl: 'redis://127.0.0.1:6379/5',
    amqpUrl: 'amqp://guest:guest@127.0.0.1:5672/kit-gameday',
    databases: { catalog: 'kit_gameday_catalog', orders: 'kit_gameday_orders', notifications: 'kit_gameday_notifications' },
    // the game days watch metrics; traces and logs have their own tests
    commonEnv: { CHAOS_ENABLED: 'true', CHAOS_TOKEN: TOKEN, OTEL_TRACES_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
    env: Object.fromEntries(
      SERVICES.map((service) => [
        service,
        {
          NODE_OPTIONS: compose.services[service]?.environment?.NODE_OPTIONS ?? '',
          ...(service === 'loadgen' ? { LOADGEN_RATE: '0' } : {}),
          ...(service === 'payments' ? { PAYMENTS_DECLINE_RATE: '0' } : {}),
          ...(service === 'inventory' ? { INVENTORY_SEED_STOCK: '100000' } : {}),
        },
      ]),
    ),
  });
  // every service scraped at least once before the first scenario reads a baseline
  for (const deadline = Date.now() + 40_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 1_000))) {
    if ((await prometheus.query('up{job="kit-services"} == 1')).length === SERVICES.length) break;
  }
});

afterAll(async () => {
  await stack.stop();
  await prometheus.stop();
});

describe('game days on the native stack', () => {
  it('has at least six scenarios, each valid', () => {
    expect(scenarios.size).toBeGreaterThanOrEqual(6);
    for (const name of IN_CI) expect(scenarios.has(name), name).toBe(true);
  });

  for (const name of IN_CI) {
    it(`passes ${name}`, async () => {
      const scenario = scenarios.get(name);
      if (scenario === undefined) throw new Error(`no scenario ${name}`);
      const lines: string[] = [];
      const results = await runScenario(scenario, {
        gateway: stack.urls.gateway,
        prometheus: prometheus.url,
        token: TOKEN,
        report: (line) => lines.push(line),
      });
      console.log(lines.join('\n'));
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results.length).toBeGreaterThan(scenario.expect.length);
    }, 240_000);
  }
});
