/**
 * End to end on the native stack, twice with the same tests: the six services as processes, then the
 * monolith (the same shop as one process) — a regression in either mode fails. Telemetry preload,
 * real PostgreSQL, Redis and RabbitMQ (scripts/engines.sh), an OTLP receiver in place of the
 * Collector. Each mode has its own port range, databases, Redis database and RabbitMQ vhost
 * (scripts/pg-setup.sh, scripts/rabbitmq-setup.sh).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attribute, startOtlpReceiver, startStack, type OtlpReceiver, type ReceivedSpan, type RunningStack, type StackMode } from '../src/index';

const ADMIN = 'e2e-admin-token-0123456789';

interface Mode {
  readonly mode: StackMode;
  readonly basePort: number;
  readonly redisDb: number;
  readonly vhost: string;
  readonly databases: { readonly catalog: string; readonly orders: string; readonly notifications: string };
}
const MODES: readonly Mode[] = [
  { mode: 'services', basePort: 23_080, redisDb: 9, vhost: 'kit-e2e', databases: { catalog: 'kit_catalog', orders: 'kit_orders', notifications: 'kit_notifications' } },
  { mode: 'monolith', basePort: 23_180, redisDb: 10, vhost: 'kit-mono', databases: { catalog: 'kit_mono_catalog', orders: 'kit_mono_orders', notifications: 'kit_mono_notifications' } },
];

function redis(db: number, ...args: string[]): void {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-n', String(db), ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`redis-cli failed (is Redis running? scripts/engines.sh starts it): ${result.stderr}`);
}

function rabbit(command: 'stop_app' | 'start_app'): void {
  const result = spawnSync('rabbitmqctl', [command], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`rabbitmqctl ${command} failed: ${result.stderr}`);
}

const fast = { OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_BLRP_SCHEDULE_DELAY: '100' };

describe.each(MODES)('the shop as $mode', ({ mode, basePort, redisDb, vhost, databases }) => {
  let receiver: OtlpReceiver;
  let stack: RunningStack;

  beforeAll(async () => {
    redis(redisDb, 'flushdb');
    receiver = await startOtlpReceiver();
    stack = await startStack({
      mode,
      basePort,
      databases,
      otlpEndpoint: receiver.endpoint,
      otlpProtocol: 'http/json',
      redisUrl: `redis://127.0.0.1:6379/${String(redisDb)}`,
      amqpUrl: `amqp://guest:guest@127.0.0.1:5672/${vhost}`,
      env: {
        gateway: { ...fast, ADMIN_TOKEN: ADMIN },
        inventory: { ...fast, ADMIN_TOKEN: ADMIN, INVENTORY_SEED_STOCK: '1000' },
        catalog: fast,
        orders: { ...fast, OUTBOX_POLL_MS: '100' },
        payments: { ...fast, PAYMENTS_DECLINE_RATE: '0', PAYMENTS_LATENCY_MEDIAN_MS: '5' },
        notifications: { ...fast, NOTIFICATIONS_RETRY_BASE_MS: '100' },
        // no background traffic: these tests count stock and deliveries exactly
        loadgen: { ...fast, LOADGEN_RATE: '0' },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
    await receiver.close();
  });

  const traceId = () => randomBytes(16).toString('hex');
  const checkout = (key: string, trace?: string, productId = 'p-001') =>
    fetch(`${stack.urls.gateway}/api/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': key,
        ...(trace === undefined ? {} : { traceparent: `00-${trace}-${randomBytes(8).toString('hex')}-01` }),
      },
      body: JSON.stringify({ customerEmail: 'ada@example.com', items: [{ productId, quantity: 1 }], card: { token: 'tok_visa' } }),
    });

  describe('a checkout through the gateway', () => {
    it('produces one trace across gateway, orders, catalog, inventory (Redis), payments, PostgreSQL, RabbitMQ and notifications', async () => {
      const trace = traceId();
      const res = await checkout(`e2e-trace-${randomUUID()}`, trace);
      expect(res.status).toBe(201);

      // OTLP span kinds: 1 internal, 2 server, 3 client, 4 producer, 5 consumer
      const consumer = mode === 'services' ? 'notifications' : 'monolith';
      await expect.poll(() => receiver.spans.some((s) => s.traceId === trace && s.service === consumer && s.kind === 5), { timeout: 15_000 }).toBe(true);
      const spans = receiver.spans.filter((s) => s.traceId === trace);

      if (mode === 'services') {
        expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['gateway', 'orders', 'catalog', 'inventory', 'payments', 'notifications']));
        expect(spans.some((s) => s.service === 'orders' && s.scope === '@opentelemetry/instrumentation-pg')).toBe(true);
        expect(spans.some((s) => s.service === 'inventory' && s.scope === '@opentelemetry/instrumentation-ioredis')).toBe(true);
        expect(spans.some((s) => s.service === 'orders' && s.scope === '@opentelemetry/instrumentation-amqplib' && s.kind === 4)).toBe(true);
        expect(spans.filter((s) => s.kind === 2).map((s) => `${s.service} ${s.name}`)).toEqual(
          expect.arrayContaining(['gateway POST /api/orders', 'orders POST /orders', 'inventory POST /reservations', 'payments POST /charges']),
        );
        return;
      }
      // one process: one SERVER span for the public request, the module calls as INTERNAL spans
      // (no HTTP between modules), the same database, Redis and broker spans
      expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['monolith']));
      expect(spans.filter((s) => s.kind === 2).map((s) => s.name)).toEqual(['POST /api/orders']);
      expect(spans.filter((s) => s.kind === 3 && s.scope.includes('instrumentation-http'))).toEqual([]);
      const internal = spans.filter((s) => s.kind === 1 && s.scope === '@kit/monolith');
      expect(internal.map((s) => s.name)).toEqual(
        expect.arrayContaining(['orders POST /orders', 'catalog GET /products/:id', 'inventory POST /reservations', 'payments POST /charges', 'inventory POST /reservations/:id/commit']),
      );
      expect(new Set(internal.map((s) => attribute(s.attributes, 'kit.module')))).toEqual(new Set(['orders', 'catalog', 'inventory', 'payments']));
      // the charge is called from inside the orders module's call, which the public request made
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const ancestors = (span: ReceivedSpan) => {
        const chain: string[] = [];
        for (let parent = byId.get(span.parentSpanId ?? ''); parent !== undefined; parent = byId.get(parent.parentSpanId ?? '')) chain.push(parent.name);
        return chain;
      };
      const charge = internal.find((s) => s.name === 'payments POST /charges');
      expect(charge && ancestors(charge)).toEqual(expect.arrayContaining(['orders POST /orders', 'POST /api/orders']));
      expect(spans.some((s) => s.scope === '@opentelemetry/instrumentation-pg')).toBe(true);
      expect(spans.some((s) => s.scope === '@opentelemetry/instrumentation-ioredis')).toBe(true);
      expect(spans.some((s) => s.scope === '@opentelemetry/instrumentation-amqplib' && s.kind === 4)).toBe(true);
    });

    it('writes every log line of the checkout with its trace id', async () => {
      const trace = traceId();
      const key = `e2e-logs-${randomUUID()}`;
      const res = await checkout(key, trace);
      const order = (await res.json()) as { id: string };
      const sent = (line: string) => line.includes(order.id) && line.includes('order confirmation sent');
      await expect.poll(() => stack.processes.some((p) => stack.lines(p).some(sent)), { timeout: 15_000 }).toBe(true);

      // in the monolith each line names its module; in services mode the process is the service
      const related = stack.processes
        .flatMap((process) => stack.lines(process).map((line) => ({ process, line })))
        .filter(({ line }) => line.includes(order.id) || line.includes(`ord-${key}`))
        .map(({ process, line }) => ({ line, source: mode === 'services' ? process : ((JSON.parse(line) as { module?: string }).module ?? 'public layer') }));

      expect(related.map((r) => r.source)).toEqual(expect.arrayContaining(['orders', 'inventory', 'payments', 'notifications']));
      for (const { line } of related) expect((JSON.parse(line) as { trace_id?: string }).trace_id).toBe(trace);
    });
  });

  describe('stock under contention', () => {
    it('sells exactly the last 10 units when 200 checkouts race for them', async () => {
      const stock = await fetch(`${stack.urls.gateway}/api/admin/stock/p-042`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ available: 10 }),
      });
      expect(stock.status).toBe(200);

      const statuses = await Promise.all(Array.from({ length: 200 }, (_, i) => checkout(`e2e-race-${i}-${randomUUID()}`, undefined, 'p-042').then((r) => r.status)));
      const left = (await (await fetch(`${stack.urls.gateway}/api/stock/p-042`)).json()) as { available: number };

      expect(statuses.filter((s) => s === 201)).toHaveLength(10);
      expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
      expect(left.available).toBe(0);
    });
  });

  describe('with RabbitMQ stopped', () => {
    it('still takes orders, and delivers every order.placed exactly once when the broker returns', async () => {
      rabbit('stop_app');
      const placed: string[] = [];
      try {
        for (let i = 0; i < 5; i += 1) {
          const res = await checkout(`e2e-broker-${i}-${randomUUID()}`);
          expect(res.status).toBe(201);
          placed.push(((await res.json()) as { id: string }).id);
        }
      } finally {
        rabbit('start_app');
      }

      const sentFor = async (id: string) => {
        const res = await fetch(`${stack.urls.gateway}/api/notifications?orderId=${id}`).catch(() => undefined);
        if (res?.status !== 200) return -1;
        const body = (await res.json()) as { items: { orderId: string }[] };
        return body.items.filter((item) => item.orderId === id).length;
      };
      for (const id of placed) await expect.poll(() => sentFor(id), { timeout: 45_000, interval: 250 }).toBe(1);
      if (mode === 'services') {
        // crash-only: notifications exits without its broker and the supervisor starts it again
        expect(stack.restarts('notifications')).toBeGreaterThanOrEqual(1);
      } else {
        // a module cannot exit without taking the shop down: the monolith reconnects it in place
        expect(stack.restarts('monolith')).toBe(0);
        await expect.poll(() => stack.lines('monolith').some((line) => line.includes('notifications consumer reconnected')), { timeout: 5_000 }).toBe(true);
      }
    });
  });

  describe('the load generator', () => {
    it('plays journeys through the gateway once its rate is raised at runtime, and they succeed', async () => {
      const control = await fetch(`${stack.urls.loadgen}/control`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ journeysPerSecond: 30 }),
      });
      expect(control.status).toBe(200);

      const okJourneys = async () => {
        const text = await (await fetch(`${stack.urls.loadgen}/metrics`)).text();
        return [...text.matchAll(/^kit_loadgen_journeys_total\{journey="\w+",result="ok"\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
      };
      await expect.poll(okJourneys, { timeout: 10_000 }).toBeGreaterThan(20);
      await fetch(`${stack.urls.loadgen}/control`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ journeysPerSecond: 0 }) });
      const text = await (await fetch(`${stack.urls.loadgen}/metrics`)).text();
      expect(text).not.toMatch(/kit_loadgen_journeys_total\{journey="checkout",result="failed"\} [1-9]/);
    });
  });
});
