/**
 * Nothing lost across restarts, on the native stack in both modes: a steady checkout load runs while
 * a process is stopped in the middle of it — notifications and orders (SIGTERM, then SIGKILL) in
 * services mode, the monolith itself in monolith mode — and the runner starts it again. Afterwards
 * every order the shop accepted (201) has exactly one confirmation e-mail: found by its order id
 * (none lost, however long ago it was sent, by a process that no longer runs) and logged once (none
 * duplicated, though the outbox may publish an event again and the broker redelivers what a killed
 * consumer had not acknowledged). Real PostgreSQL, Redis and RabbitMQ; same vhosts, Redis databases
 * and PostgreSQL databases as e2e.test.ts (files run one at a time), ports of its own.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, startStack, type OtlpReceiver, type ProcessName, type RunningStack, type StackMode } from '../src/index';

interface Mode {
  readonly mode: StackMode;
  readonly basePort: number;
  readonly redisDb: number;
  readonly vhost: string;
  readonly databases: { readonly catalog: string; readonly orders: string; readonly notifications: string };
  /** What is restarted, in order, while checkouts keep coming. */
  readonly restarts: readonly (readonly [ProcessName, NodeJS.Signals])[];
}
const MODES: readonly Mode[] = [
  {
    mode: 'services',
    basePort: 23_280,
    redisDb: 9,
    vhost: 'kit-e2e',
    databases: { catalog: 'kit_catalog', orders: 'kit_orders', notifications: 'kit_notifications' },
    restarts: [['notifications', 'SIGTERM'], ['notifications', 'SIGKILL'], ['orders', 'SIGTERM'], ['orders', 'SIGKILL']],
  },
  {
    mode: 'monolith',
    basePort: 23_380,
    redisDb: 10,
    vhost: 'kit-mono',
    databases: { catalog: 'kit_mono_catalog', orders: 'kit_mono_orders', notifications: 'kit_mono_notifications' },
    restarts: [['monolith', 'SIGTERM'], ['monolith', 'SIGKILL']],
  },
];

/** Checkouts per second of the steady load, and how many must be accepted before and after a restart. */
const RATE = 10;
const ACCEPTED_EACH_SIDE = 10;

function redis(db: number, ...args: string[]): void {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-n', String(db), ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`redis-cli failed (is Redis running? scripts/engines.sh starts it): ${result.stderr}`);
}

const fast = { OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_BLRP_SCHEDULE_DELAY: '100' };

/** Checkouts at a steady rate until stopped; remembers the id of every accepted order. */
function steadyCheckouts(gateway: string) {
  const accepted: string[] = [];
  const refused = new Map<string, number>();
  const pending = new Set<Promise<void>>();
  const one = async () => {
    try {
      const res = await fetch(`${gateway}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `restart-${randomUUID()}` },
        body: JSON.stringify({ customerEmail: 'ada@example.com', items: [{ productId: 'p-007', quantity: 1 }], card: { token: 'tok_visa' } }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await res.json().catch(() => ({}))) as { id?: string };
      if (res.status === 201 && typeof body.id === 'string') accepted.push(body.id);
      else refused.set(String(res.status), (refused.get(String(res.status)) ?? 0) + 1);
    } catch (error) {
      // no answer (connection refused or reset while a process is down): the client never saw it accepted
      const reason = error instanceof Error ? error.name : 'error';
      refused.set(reason, (refused.get(reason) ?? 0) + 1);
    }
  };
  const timer = setInterval(() => {
    const request = one();
    pending.add(request);
    void request.finally(() => pending.delete(request));
  }, 1_000 / RATE);
  return {
    accepted,
    refused,
    async stop() {
      clearInterval(timer);
      await Promise.allSettled([...pending]);
    },
  };
}

describe.each(MODES)('accepted orders across restarts, the shop as $mode', ({ mode, basePort, redisDb, vhost, databases, restarts }) => {
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
      commonEnv: fast,
      env: {
        gateway: { RATE_LIMIT_PER_MINUTE: '1000000' },
        inventory: { INVENTORY_SEED_STOCK: '1000000' },
        orders: { OUTBOX_POLL_MS: '100' },
        payments: { PAYMENTS_DECLINE_RATE: '0', PAYMENTS_LATENCY_MEDIAN_MS: '5' },
        notifications: { NOTIFICATIONS_RETRY_BASE_MS: '100' },
        loadgen: { LOADGEN_RATE: '0' },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
    await receiver.close();
  });

  const ready = async (url: string) => {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
    return res?.status === 200;
  };

  /** Stops a process with `signal` and waits until the runner has started it again and it is ready. */
  async function restart(name: ProcessName, signal: NodeJS.Signals): Promise<void> {
    const pid = stack.pid(name);
    const url = stack.urls[name];
    if (pid === undefined || url === undefined) throw new Error(`${name} is not running in this stack`);
    const before = stack.restarts(name);
    process.kill(pid, signal);
    await expect
      .poll(() => stack.restarts(name) > before && stack.pid(name) !== undefined && stack.pid(name) !== pid, { timeout: 20_000, interval: 50, message: `${name} was not started again after ${signal}` })
      .toBe(true);
    await expect.poll(() => ready(url), { timeout: 30_000, interval: 100, message: `${name} was not ready again after ${signal}` }).toBe(true);
  }

  /** How many confirmation e-mails each order has: through the public API, and as "sent" log lines. */
  const emailsOf = async (orderId: string) => {
    const res = await fetch(`${stack.urls.gateway}/api/notifications?orderId=${orderId}`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    if (res?.status !== 200) return -1;
    return ((await res.json()) as { items: { orderId: string }[] }).items.filter((item) => item.orderId === orderId).length;
  };
  /** The process that sends (and logs) the e-mails. */
  const sender: ProcessName = mode === 'services' ? 'notifications' : 'monolith';
  const sentLines = (orderId: string) => stack.lines(sender).filter((line) => line.includes('order confirmation sent') && line.includes(orderId)).length;

  it.each(restarts)('gives every accepted order exactly one e-mail when %s gets %s in the middle of a checkout load', async (name, signal) => {
    const load = steadyCheckouts(stack.urls.gateway);
    try {
      await expect.poll(() => load.accepted.length, { timeout: 20_000, message: `no ${ACCEPTED_EACH_SIDE} checkouts accepted before the restart` }).toBeGreaterThanOrEqual(ACCEPTED_EACH_SIDE);
      await restart(name, signal);
      const afterRestart = load.accepted.length;
      await expect
        .poll(() => load.accepted.length - afterRestart, { timeout: 30_000, message: `no ${ACCEPTED_EACH_SIDE} checkouts accepted after the restart` })
        .toBeGreaterThanOrEqual(ACCEPTED_EACH_SIDE);
    } finally {
      await load.stop();
    }
    const orders = [...load.accepted];
    expect(new Set(orders).size).toBe(orders.length);

    // none lost: each accepted order's e-mail is found by its id (bounded: the outbox, the broker and
    // a restarted consumer may take a few seconds to catch up)
    const missing = async () => (await Promise.all(orders.map(async (id) => ((await emailsOf(id)) === 1 ? undefined : id)))).filter((id) => id !== undefined);
    await expect.poll(missing, { timeout: 30_000, interval: 250, message: `accepted orders without their e-mail (refused: ${JSON.stringify(Object.fromEntries(load.refused))})` }).toEqual([]);
    // none duplicated: no order's e-mail was sent twice. Each is logged once — unless the sender was
    // SIGKILLed, which may take its last lines with it (lost output, never a line written twice)
    expect(orders.filter((id) => sentLines(id) > 1), 'orders whose e-mail was sent more than once').toEqual([]);
    if (!(name === sender && signal === 'SIGKILL')) expect(orders.filter((id) => sentLines(id) !== 1), 'orders whose e-mail was not logged exactly once').toEqual([]);
  }, 120_000);
});
