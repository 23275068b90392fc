/**
 * The compose stack's telemetry pipeline, run for real without Docker: the six services (native
 * processes, real PostgreSQL, Redis, RabbitMQ) export to the Collector built from
 * otel-collector/builder.yaml running otel-collector/config.yaml; Prometheus 2.42 scrapes with
 * prometheus/prometheus.yml (only discovery swapped for loopback) and the compose flags, and alerts
 * to Alertmanager. Tempo and Loki are stood in for by OTLP receivers that record what arrives.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { GRAFANA_VARIABLES, interpolate, queriesOf, type DashboardJson } from '@kit/dashboards';
import { attribute, startOtlpReceiver, startStack, SERVICES, type OtlpReceiver, type RunningStack } from '@kit/runner';
import {
  COLLECTOR_PORTS,
  loadCompose,
  loopbackTargets,
  memoryBytes,
  nativePrometheusConfig,
  repoPath,
  startAlertmanager,
  startCollector,
  startPrometheus,
  type EngineProcess,
  type RunningPrometheus,
} from '../src/index';

// below 32768, outside the kernel's ephemeral range, so no outgoing connection can hold one of these ports
const BASE_PORT = 21_080;
const CHAOS_TOKEN = 'pipeline-chaos-token-0123456789';
const PROMETHEUS_PORT = 21_190;
const ALERTMANAGER_PORT = 21_193;

let tempo: OtlpReceiver;
let loki: OtlpReceiver;
let collector: EngineProcess;
let alertmanager: EngineProcess & { url: string };
let prometheus: RunningPrometheus;
let stack: RunningStack;
let droppedJobs: readonly string[];
let healthyAt = 0;
const firstData: Record<string, number> = {};

const seconds = (ms: number) => Math.round(ms / 100) / 10;
const poll = { timeout: 60_000, interval: 250 };

beforeAll(async () => {
  // fresh stock for this stack's inventory (its own Redis database)
  const flush = spawnSync('redis-cli', ['-h', '127.0.0.1', '-n', '4', 'flushdb'], { encoding: 'utf8' });
  if (flush.status !== 0) throw new Error(`redis-cli failed (is Redis running? scripts/engines.sh starts it): ${flush.stderr}`);
  tempo = await startOtlpReceiver();
  loki = await startOtlpReceiver();
  collector = await startCollector({ tracesEndpoint: tempo.endpoint, logsEndpoint: `${loki.endpoint}/otlp` });
  alertmanager = await startAlertmanager({ port: ALERTMANAGER_PORT });

  const compose = loadCompose();
  const targets = loopbackTargets(BASE_PORT, {
    'otel-collector:8888': `127.0.0.1:${String(COLLECTOR_PORTS.internalMetrics)}`,
    'otel-collector:8889': `127.0.0.1:${String(COLLECTOR_PORTS.exportedMetrics)}`,
    'localhost:9090': `127.0.0.1:${String(PROMETHEUS_PORT)}`,
    'alertmanager:9093': `127.0.0.1:${String(ALERTMANAGER_PORT)}`,
  });
  const derived = nativePrometheusConfig(readFileSync(repoPath('prometheus', 'prometheus.yml'), 'utf8'), targets);
  droppedJobs = derived.droppedJobs;
  prometheus = await startPrometheus({ config: derived.yaml, port: PROMETHEUS_PORT, composeFlags: compose.services.prometheus?.command ?? [] });

  stack = await startStack({
    basePort: BASE_PORT,
    otlpEndpoint: `http://127.0.0.1:${String(COLLECTOR_PORTS.otlpHttp)}`,
    otlpProtocol: 'http/protobuf',
    redisUrl: 'redis://127.0.0.1:6379/4',
    amqpUrl: 'amqp://guest:guest@127.0.0.1:5672/kit-stack',
    databases: { catalog: 'kit_stack_catalog', orders: 'kit_stack_orders', notifications: 'kit_stack_notifications' },
    commonEnv: { CHAOS_ENABLED: 'true', CHAOS_TOKEN },
    env: Object.fromEntries(
      SERVICES.map((service) => [
        service,
        {
          // the Node flags compose runs the containers with, so the memory check below measures them
          NODE_OPTIONS: compose.services[service]?.environment?.NODE_OPTIONS ?? '',
          // the compose defaults: loadgen drives the demo traffic users see first
          ...(service === 'loadgen' ? { LOADGEN_RATE: '5', LOADGEN_CHECKOUT_SHARE: '0.2' } : {}),
          ...(service === 'payments' ? { PAYMENTS_DECLINE_RATE: '0' } : {}),
          // steady, small failures so the resilience panels have something to show: every other
          // e-mail fails (retries, some dead letters), recommendations always fall back
          ...(service === 'notifications' ? { NOTIFICATIONS_FAILURE_RATE: '0.5', NOTIFICATIONS_MAX_ATTEMPTS: '2', NOTIFICATIONS_RETRY_BASE_MS: '100' } : {}),
          ...(service === 'catalog' ? { RECOMMENDATIONS_TIMEOUT_MS: '1' } : {}),
          ...(service === 'orders' ? { PAYMENTS_TIMEOUT_MS: '300' } : {}),
        },
      ]),
    ),
  });
  healthyAt = Date.now();
});

afterAll(async () => {
  await stack.stop();
  await Promise.all([prometheus.stop(), alertmanager.stop()]);
  await collector.stop();
  await Promise.all([tempo.close(), loki.close()]);
  mkdirSync(repoPath('.kit-run'), { recursive: true });
  writeFileSync(repoPath('.kit-run', 'first-data.json'), `${JSON.stringify(firstData, null, 2)}\n`);
  console.log(`time to first data after the stack is healthy (s): ${JSON.stringify(firstData)}`);
});

const query = (expr: string) => prometheus.query(expr);
const checkout = (trace: string) =>
  fetch(`${stack.urls.gateway}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), traceparent: `00-${trace}-${randomBytes(8).toString('hex')}-01` },
    body: JSON.stringify({ customerEmail: 'pipeline@example.com', items: [{ productId: 'p-002', quantity: 1 }], card: { token: 'tok_visa' } }),
  });

describe('time to first data', () => {
  it('is under 60 s after the stack turns healthy for traces, logs, scrapes, the service graph and exemplars', async () => {
    const arrival = async (signal: string, arrived: () => boolean | Promise<boolean>) => {
      while (Date.now() - healthyAt < 60_000) {
        if (await arrived()) {
          firstData[signal] = seconds(Date.now() - healthyAt);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    await Promise.all([
      arrival('traces', () => tempo.spans.some((s) => s.service === 'gateway')),
      arrival('logs', () => loki.logs.length > 0),
      arrival('scrapes', async () => (await query('up{job="kit-services"} == 1')).length === SERVICES.length),
      arrival('serviceGraph', async () => (await query('traces_service_graph_request_total')).length > 0),
      arrival('exemplars', async () => (await prometheus.exemplars('http_server_request_duration_seconds_bucket')).length > 0),
    ]);
    expect(Object.keys(firstData).sort()).toEqual(['exemplars', 'logs', 'scrapes', 'serviceGraph', 'traces']);
  }, 70_000);
});

describe('the Collector with our config', () => {
  it('delivers every service’s traces to Tempo’s endpoint, one checkout as one trace', async () => {
    const trace = randomBytes(16).toString('hex');
    expect((await checkout(trace)).status).toBe(201);
    const services = () => new Set(tempo.spans.filter((s) => s.traceId === trace).map((s) => s.service));
    await expect.poll(() => [...services()].sort(), { timeout: 20_000 }).toEqual(expect.arrayContaining(['gateway', 'inventory', 'orders', 'payments']));
    for (const span of tempo.spans.filter((s) => s.traceId === trace)) {
      expect(attribute(span.resource, 'service.namespace')).toBe('kit');
      expect(attribute(span.resource, 'deployment.environment.name')).toBe('native');
    }
    const seen = new Set(tempo.spans.map((s) => s.service));
    for (const service of SERVICES.filter((s) => s !== 'notifications')) expect(seen.has(service), service).toBe(true);
  });

  it('delivers logs to Loki’s /otlp endpoint with service.name and the trace id of the request', async () => {
    expect(new Set(loki.requests.map((r) => r.path))).toEqual(new Set(['/otlp/v1/logs']));

    const trace = randomBytes(16).toString('hex');
    expect((await checkout(trace)).status).toBe(201);
    await expect.poll(() => loki.logs.filter((l) => l.traceId === trace).map((l) => l.service), { timeout: 20_000 }).toEqual(expect.arrayContaining(['orders', 'payments']));
  });

  it('masks card numbers and e-mail addresses and drops credentials before anything leaves it', async () => {
    const trace = randomBytes(16).toString('hex');
    const span = randomBytes(8).toString('hex');
    const now = `${String(Date.now())}000000`;
    const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const resource = { attributes: [attr('service.name', 'redaction-probe')] };
    const post = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${String(COLLECTOR_PORTS.otlpHttp)}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const traces = await post('/v1/traces', {
      resourceSpans: [{
        resource,
        scopeSpans: [{
          scope: { name: 'probe' },
          spans: [{
            traceId: trace, spanId: span, name: 'charge card', kind: 2, startTimeUnixNano: now, endTimeUnixNano: now,
            attributes: [
              attr('payment.card.number', '4111 1111 1111 1111'),
              attr('customer.note', 'call me at ada@example.com, card 4012-8888-8888-1881'),
              attr('http.request.header.authorization', 'Bearer sk_live_abc'),
              attr('http.request.header.cookie', 'session=s3cr3t'),
              attr('order.id', '0b8f0c2e-5d43-4a7e-9b41-4c1f6f7c2a11'),
            ],
            events: [{ name: 'declined', timeUnixNano: now, attributes: [attr('exception.message', 'card 5555555555554444 declined for bob@example.org')] }],
          }],
        }],
      }],
    });
    expect(traces.status).toBe(200);
    const logs = await post('/v1/logs', {
      resourceLogs: [{
        resource,
        scopeLogs: [{
          scope: { name: 'probe' },
          logRecords: [{
            timeUnixNano: now, traceId: trace, spanId: span, severityText: 'INFO',
            body: { stringValue: 'receipt for ada@example.com, card 4111-1111-1111-1111' },
            attributes: [attr('customer.email', 'ada@example.com'), attr('api_key', 'k-123')],
          }],
        }],
      }],
    });
    expect(logs.status).toBe(200);

    await expect.poll(() => tempo.spans.find((s) => s.traceId === trace), { timeout: 15_000 }).toBeDefined();
    await expect.poll(() => loki.logs.find((l) => l.traceId === trace), { timeout: 15_000 }).toBeDefined();
    const exported = tempo.spans.find((s) => s.traceId === trace);
    expect(attribute(exported?.attributes, 'payment.card.number')).toBe('[REDACTED:card]');
    expect(attribute(exported?.attributes, 'customer.note')).toBe('call me at [REDACTED:email], card [REDACTED:card]');
    expect(attribute(exported?.attributes, 'order.id')).toBe('0b8f0c2e-5d43-4a7e-9b41-4c1f6f7c2a11');
    expect(exported?.attributes.map((a) => a.key)).not.toEqual(expect.arrayContaining(['http.request.header.authorization']));
    expect(exported?.attributes.map((a) => a.key)).not.toEqual(expect.arrayContaining(['http.request.header.cookie']));
    const log = loki.logs.find((l) => l.traceId === trace);
    expect(log?.body?.stringValue).toBe('receipt for [REDACTED:email], card [REDACTED:card]');
    expect(attribute(log?.attributes, 'customer.email')).toBe('[REDACTED:email]');
    expect(attribute(log?.attributes, 'api_key')).toBeUndefined();

    // nothing sensitive anywhere in what reached either backend, from the probe or the services
    const everything = [...tempo.requests, ...loki.requests].map((r) => r.body).join('\n');
    for (const secret of ['4111 1111 1111 1111', '4111-1111-1111-1111', '4012-8888-8888-1881', '5555555555554444', 'ada@example.com', 'bob@example.org', 'pipeline@example.com', 'sk_live_abc', 's3cr3t', 'k-123']) {
      expect(everything.includes(secret), secret).toBe(false);
    }
  });

  it('takes browser telemetry on the Faro receiver into the logs pipeline', async () => {
    const marker = randomUUID();
    const res = await fetch(`http://127.0.0.1:${String(COLLECTOR_PORTS.faro)}/collect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        meta: { app: { name: 'storefront', version: '0.1.0' }, session: { id: 'session-1' }, page: { url: 'http://localhost:8080/' } },
        logs: [{ message: `storefront loaded ${marker}`, level: 'info', timestamp: new Date().toISOString(), context: {} }],
      }),
    });
    expect(res.status).toBeLessThan(300);
    await expect.poll(() => loki.requests.some((r) => r.body.includes(marker)), { timeout: 15_000 }).toBe(true);
    const request = loki.requests.find((r) => r.body.includes(marker));
    expect(request?.body).toContain('storefront');
  });

  it('logs no warning or error while it runs (no deprecated names, no failed exports)', () => {
    const problems = collector.lines.filter((line) => /"level":"(warn|error)"/.test(line));
    expect(problems).toEqual([]);
  });
});

describe('Prometheus with our config', () => {
  it('scrapes every service replica by name, the Collector twice, itself and Alertmanager; drops only what does not run here', async () => {
    await expect.poll(async () => (await query('up{job="kit-services"} == 1')).map((r) => r.metric.service).sort(), poll).toEqual([...SERVICES].sort());
    await expect.poll(async () => (await query('up == 1')).map((r) => r.metric.job).sort(), poll).toEqual(
      expect.arrayContaining(['alertmanager', 'otel-collector', 'otel-collector-exported', 'prometheus']),
    );
    expect([...droppedJobs].sort()).toEqual(['grafana', 'loki', 'tempo']);
  });

  it('loads every rule file of alerts/ and records every recording rule from the live traffic', async () => {
    const res = await fetch(`${prometheus.url}/api/v1/rules`);
    const { data } = (await res.json()) as { data: { groups: { name: string; file: string; rules: { name: string; type: string; health: string; lastError?: string }[] }[] } };
    expect(new Set(data.groups.map((g) => g.file.replace(/^.*\//, '')))).toEqual(new Set(['messaging.yml', 'platform.yml', 'services.yml', 'slo-checkout.yml']));
    const records = data.groups.flatMap((g) => g.rules).filter((r) => r.type === 'recording').map((r) => r.name);
    expect(records.length).toBeGreaterThan(10);
    const empty = async () => (await Promise.all(records.map(async (name) => ((await query(name)).length === 0 ? [name] : [])))).flat();
    await expect.poll(empty, poll).toEqual([]);
    const unhealthy = data.groups.flatMap((g) => g.rules).filter((r) => r.health === 'err');
    expect(unhealthy).toEqual([]);
  }, 90_000);

  it('sends alerts to Alertmanager', async () => {
    const res = await fetch(`${prometheus.url}/api/v1/alertmanagers`);
    const body = (await res.json()) as { data: { activeAlertmanagers: { url: string }[] } };
    expect(body.data.activeAlertmanagers.map((a) => a.url)).toEqual([`http://127.0.0.1:${String(ALERTMANAGER_PORT)}/api/v2/alerts`]);
  });

  it('has the service graph the Collector derives from traces', async () => {
    const edges = async () => (await query('sum by (client, server) (traces_service_graph_request_total)')).map((r) => `${r.metric.client ?? ''}->${r.metric.server ?? ''}`);
    await expect.poll(edges, poll).toEqual(
      // databases and the broker appear as nodes of their own, named after the client spans
      expect.arrayContaining(['gateway->orders', 'gateway->catalog', 'orders->inventory', 'orders->payments', 'orders->notifications', 'catalog->postgresql', 'inventory->redis']),
    );
    console.log(`service graph edges: ${(await edges()).sort().join(', ')}`);
  });

  it('has the Collector’s own metrics: spans accepted and sent, none refused', async () => {
    // the Collector's Prometheus reader names counters without the _total suffix
    const total = async (name: string) => Number((await query(`sum(${name})`))[0]?.value[1] ?? 0);
    await expect.poll(() => total('otelcol_receiver_accepted_spans'), poll).toBeGreaterThan(0);
    await expect.poll(() => total('otelcol_exporter_sent_spans{exporter="otlp_http/tempo"}'), poll).toBeGreaterThan(0);
    await expect.poll(() => total('otelcol_exporter_sent_log_records{exporter="otlp_http/loki"}'), poll).toBeGreaterThan(0);
    expect(await total('otelcol_receiver_refused_spans')).toBe(0);
    expect(await total('otelcol_exporter_send_failed_spans')).toBe(0);
  });

  it('stores exemplars whose trace ids lead to traces that were exported', async () => {
    const withExemplars = async () => (await prometheus.exemplars('http_server_request_duration_seconds_bucket{service="gateway"}')).flatMap((s) => s.exemplars);
    await expect.poll(async () => (await withExemplars()).length, poll).toBeGreaterThan(0);
    const ids = (await withExemplars()).map((e) => e.labels.trace_id ?? '');
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    await expect.poll(() => ids.some((id) => tempo.spans.some((s) => s.traceId === id)), { timeout: 15_000 }).toBe(true);
  });

});

describe('the services under the demo load', () => {
  it('each stay within the memory limit compose gives their container', async () => {
    const limits = loadCompose().services;
    const rss = (pid: number | undefined) => {
      const status = pid === undefined ? '' : readFileSync(`/proc/${String(pid)}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024;
    };
    // a little more traffic first: checkouts exercise every store client and the broker
    for (let i = 0; i < 20; i++) expect((await checkout(randomBytes(16).toString('hex'))).status).toBe(201);
    const measured = SERVICES.map((service) => ({ service, bytes: rss(stack.pid(service)), limit: memoryBytes(limits[service]?.deploy?.resources?.limits?.memory ?? '0') }));
    const mib = (bytes: number) => String(Math.round(bytes / 2 ** 20));
    console.log(`RSS / compose limit (MiB): ${measured.map((m) => `${m.service} ${mib(m.bytes)}/${mib(m.limit)}`).join(', ')}`);
    for (const { service, bytes, limit } of measured) expect(bytes, service).toBeLessThan(limit);
  });
});

describe('every dashboard panel against live Prometheus', () => {
  const boards = readdirSync(repoPath('grafana', 'dashboards', 'kit')).map((file) => JSON.parse(readFileSync(repoPath('grafana', 'dashboards', 'kit', file), 'utf8')) as DashboardJson);
  // "All" services on the multi-service dashboards; orders (inbound, outbound, database, broker) on Service detail
  const values = (board: DashboardJson) => ({ ...GRAFANA_VARIABLES, service: board.uid === 'kit-service' ? 'orders' : '.+' });
  const promql = boards.flatMap((board) => queriesOf(board).filter((q) => q.language === 'promql').map((q) => ({ ...q, expr: interpolate(q.expr, values(board)) })));
  const empty = async (queries: typeof promql) => (await Promise.all(queries.map(async (q) => ((await query(q.expr)).length === 0 ? [q] : [])))).flat();

  it('returns data for every PromQL panel query, with a payments outage for the panels that show failures', async () => {
    expect(promql.length).toBeGreaterThan(50);
    const healthy = await empty(promql);

    // The outages. Payments stops answering (SIGSTOP, a hang): orders' calls time out, its circuit
    // opens, checkouts fail fast with 503 and alerts go pending. Meanwhile Tempo and Loki refuse
    // data for 10 s (the Collector's exports fail), then the Collector itself hangs for 14 s (the
    // services' exports fail) while the gateway burns CPU (it sheds load).
    // (never signal pid 0: that would stop this whole process group)
    const payments = stack.pid('payments');
    const collectorPid = collector.pid;
    if (payments === undefined || collectorPid === undefined) throw new Error('payments or the Collector is not running');
    const traffic = async (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) await Promise.all(Array.from({ length: 5 }, () => checkout(randomBytes(16).toString('hex')).then((r) => r.arrayBuffer())));
    };
    // kit_telemetry_export_failures_total of every running service (payments is stopped), summed
    // over signals, read from their /metrics
    const exportFailures = async () => {
      const running = SERVICES.filter((service) => service !== 'payments');
      const texts = await Promise.all(running.map(async (service) => (await fetch(`${stack.urls[service] ?? ''}/metrics`, { signal: AbortSignal.timeout(10_000) })).text()));
      const values = texts.flatMap((text) => [...text.matchAll(/^kit_telemetry_export_failures_total\{[^}]*\} (\S+)$/gm)].map((m) => Number(m[1])));
      return values.reduce((a, b) => a + b, 0);
    };
    const hang = { failures: 0 };
    process.kill(payments, 'SIGSTOP');
    try {
      tempo.refuseWith(400);
      loki.refuseWith(400);
      await traffic(10_000);
      tempo.refuseWith(undefined);
      loki.refuseWith(undefined);
      // and the gateway's event loop saturates (a chaos CPU fault): it sheds requests with 503
      const cpu = await fetch(`${stack.urls.gateway}/api/chaos/gateway/faults`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CHAOS_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'cpu', dutyCycle: 1, ttlSeconds: 8 }),
      });
      expect(cpu.status).toBe(201);
      process.kill(collectorPid, 'SIGSTOP');
      try {
        const before = await exportFailures();
        await traffic(14_000);
        // read from the services themselves, while the Collector is still hung
        hang.failures = (await exportFailures()) - before;
      } finally {
        process.kill(collectorPid, 'SIGCONT');
      }
    } finally {
      tempo.refuseWith(undefined);
      loki.refuseWith(undefined);
      process.kill(payments, 'SIGCONT');
    }
    console.log(`PromQL queries: ${String(promql.length)}; empty while healthy: ${String(healthy.length)} (${healthy.map((q) => `${q.dashboard}/${q.panel}`).join('; ')})`);

    // Each panel that had nothing to show while healthy must show the outage. Prometheus scrapes
    // every 10 s and a rate() needs two samples, so ask until each query has answered at least once
    // (bounded), instead of guessing how long that takes on this machine.
    let waiting = healthy;
    const deadline = Date.now() + 60_000;
    while (waiting.length > 0 && Date.now() < deadline) {
      waiting = await empty(waiting);
      if (waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    expect(waiting.map((q) => `${q.dashboard} / ${q.panel}: ${q.expr}`), 'panels still without data 60 s after the outage').toEqual([]);

    // The Collector hung for 14 s: the services' exports failed, and were counted, within the hang,
    // and Prometheus has them for the Telemetry pipeline dashboard and the alert.
    console.log(`export failures counted by the services during the 14 s Collector hang: ${String(hang.failures)}`);
    expect(hang.failures, 'export failures the services counted while the Collector hung').toBeGreaterThan(0);
    const failedDuringHang = async () => Number((await query(`sum(increase(kit_telemetry_export_failures_total{job="kit-services"}[2m]))`))[0]?.value[1] ?? 0);
    await expect.poll(failedDuringHang, { ...poll, message: 'no export failure counted for a 14 s Collector hang' }).toBeGreaterThan(0);
  }, 180_000);
});
