/**
 * Deadlines and retry budgets against a fake upstream: the header each hop sends, a service's inbound
 * side, calls with no time left, attempts cut short, retries only when a full attempt fits, and a
 * retry budget that bounds the extra calls an outage causes.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { HEADER_DEADLINE_MS, Lifecycle, createLogger, getMetrics } from '@kit/telemetry';
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_DEPENDENCY_SETTINGS,
  DEFAULT_MAX_DEADLINE_MS,
  DeadlineExceededError,
  createHttpDependency,
  createRetryBudget,
  createServiceApp,
  parseDeadlineHeader,
  remainingMs,
  withDeadline,
  type DependencySettings,
} from '../src/index';

const quiet = () => createLogger({ destination: new PassThrough().resume() });

/** An upstream answering every call the same way, recording the deadline header each call carried. */
function upstream(answer: 'ok' | 'fail' | 'hang' | 'deadline') {
  const calls = { count: 0, deadlines: [] as string[] };
  const app = express();
  app.get('/thing', (req, res) => {
    calls.count += 1;
    calls.deadlines.push(req.get(HEADER_DEADLINE_MS) ?? '');
    if (answer === 'ok') res.json({ ok: true });
    else if (answer === 'fail') res.status(503).json({ error: { code: 'down', message: 'down' } });
    else if (answer === 'deadline') res.status(504).json({ error: { code: 'deadline_exceeded', message: 'deadline exceeded' } });
  });
  return new Promise<{ url: string; calls: typeof calls; server: Server }>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`, calls, server }));
  });
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function dependency(answer: Parameters<typeof upstream>[0], settings: Partial<DependencySettings> = {}) {
  const up = await upstream(answer);
  servers.push(up.server);
  const name = `dl-${Math.random().toString(36).slice(2, 8)}`;
  const client = createHttpDependency({ name, baseUrl: up.url, logger: quiet(), settings: { ...DEFAULT_DEPENDENCY_SETTINGS, retryBaseMs: 1, ...settings } });
  return { client, calls: up.calls, name };
}

const counter = async (metric: string, name: string) => Number(new RegExp(`${metric}\\{dependency="${name}"\\} (\\d+)`).exec(await getMetrics().render(false))?.[1] ?? '0');
const get = { method: 'GET', path: '/thing', idempotent: true } as const;

describe('the deadline header', () => {
  it('reads whole milliseconds, caps them at the service maximum, treats 0 and negatives as expired and ignores garbage', () => {
    expect(parseDeadlineHeader('2500', 10_000)).toBe(2_500);
    expect(parseDeadlineHeader(' 42 ', 10_000)).toBe(42);
    expect(parseDeadlineHeader('999999999', 10_000)).toBe(10_000);
    expect(parseDeadlineHeader('0', 10_000)).toBe('expired');
    expect(parseDeadlineHeader('-15', 10_000)).toBe('expired');
    for (const garbage of ['', 'soon', '1e9', '12.5', '0x10', 'Infinity', 'NaN', '1'.repeat(40), '--1']) expect(parseDeadlineHeader(garbage, 10_000), garbage).toBeUndefined();
    expect(parseDeadlineHeader(undefined, 10_000)).toBeUndefined();
  });
});

describe("a service's inbound side", () => {
  function app(maxDeadlineMs?: number) {
    const lifecycle = new Lifecycle();
    lifecycle.markStarted();
    const seen = { runs: 0 };
    const routes = express.Router();
    routes.get('/left', async (_req, res) => {
      seen.runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      res.json({ left: remainingMs() });
    });
    routes.post('/left', (req, res) => {
      res.json({ left: remainingMs(), echoed: (req.body as { note?: string }).note?.length });
    });
    return { seen, app: createServiceApp({ lifecycle, logger: quiet(), routes, ...(maxDeadlineMs === undefined ? {} : { maxDeadlineMs }) }) };
  }

  it("runs the request under the caller's remaining budget, across awaits and through the JSON body parser", async () => {
    const { app: service } = app();
    const res = await request(service).get('/left').set(HEADER_DEADLINE_MS, '800').expect(200);
    expect((res.body as { left: number }).left).toBeGreaterThan(0);
    expect((res.body as { left: number }).left).toBeLessThanOrEqual(800);
    const posted = await request(service).post('/left').set(HEADER_DEADLINE_MS, '700').send({ note: 'x'.repeat(4_000) }).expect(200);
    expect(posted.body).toMatchObject({ echoed: 4_000 });
    expect((posted.body as { left: number }).left).toBeLessThanOrEqual(700);
  });

  it('answers a caller with no time left 504 with a fixed JSON error, without doing the work', async () => {
    const { app: service, seen } = app();
    const res = await request(service).get('/left').set(HEADER_DEADLINE_MS, '0').expect(504);
    expect(res.body).toEqual({ error: { code: 'deadline_exceeded', message: 'deadline exceeded: the request ran out of time' } });
    expect(seen.runs).toBe(0);
  });

  it("never grants more than the service's own maximum, and uses it when the header is missing or garbage", async () => {
    const { app: service } = app(3_000);
    for (const header of ['86400000', 'later', undefined]) {
      const call = request(service).get('/left');
      const res = await (header === undefined ? call : call.set(HEADER_DEADLINE_MS, header)).expect(200);
      const left = (res.body as { left: number }).left;
      expect(left, String(header)).toBeLessThanOrEqual(3_000);
      expect(left, String(header)).toBeGreaterThan(1_000);
    }
    expect(DEFAULT_MAX_DEADLINE_MS).toBeGreaterThan(10_000);
  });
});

describe('outbound calls under a deadline', () => {
  it('send min(attempt budget, what is left) as the upstream deadline', async () => {
    const { client, calls } = await dependency('ok', { timeoutMs: 1_000 });

    await client.request(get);
    await withDeadline(400, () => client.request(get));

    expect(calls.deadlines[0]).toBe('1000');
    expect(Number(calls.deadlines[1])).toBeGreaterThan(300);
    expect(Number(calls.deadlines[1])).toBeLessThanOrEqual(400);
  });

  it('do not make a call with no time left: 504, counted as a deadline expiry, never against the circuit', async () => {
    const { client, calls, name } = await dependency('ok', { breakerFailures: 2 });

    for (let i = 0; i < 5; i += 1) {
      const error = await withDeadline(0, () => client.request(get)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect((error as DeadlineExceededError).status).toBe(504);
    }

    expect(calls.count).toBe(0);
    expect(client.state()).toBe('closed');
    expect(await counter('kit_dependency_deadline_exceeded_total', name)).toBe(5);
  });

  it('cut an attempt short at the deadline without calling it a timeout of the upstream', async () => {
    const { client, name } = await dependency('hang', { timeoutMs: 2_000, breakerFailures: 1 });

    const started = performance.now();
    const error = await withDeadline(150, () => client.request(get)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(client.state()).toBe('closed');
    expect(await counter('kit_dependency_timeouts_total', name)).toBe(0);
    expect(await counter('kit_dependency_deadline_exceeded_total', name)).toBe(1);
  });

  it('retry only when a full attempt still fits in the deadline', async () => {
    const roomy = await dependency('fail', { timeoutMs: 300 });
    const tight = await dependency('fail', { timeoutMs: 300 });

    await expect(withDeadline(5_000, () => roomy.client.request(get))).rejects.toThrow();
    await expect(withDeadline(250, () => tight.client.request(get))).rejects.toThrow();

    expect(roomy.calls.count).toBe(3);
    expect(tight.calls.count).toBe(1);
  });

  it("take an upstream's deadline answer as an expiry: not retried, not against its circuit", async () => {
    const { client, calls, name } = await dependency('deadline', { breakerFailures: 1 });

    const error = await client.request(get).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(calls.count).toBe(1);
    expect(client.state()).toBe('closed');
    expect(await counter('kit_dependency_deadline_exceeded_total', name)).toBe(1);
  });
});

describe('the retry budget', () => {
  it('allows retries up to max(minimum, share × calls) over a sliding 10 s window', () => {
    let now = 0;
    const budget = createRetryBudget(() => ({ ratio: 0.2, minPerWindow: 3 }), () => now);
    const take = (n: number) => Array.from({ length: n }, () => budget.tryRetry()).filter(Boolean).length;

    // quiet: the minimum still lets three retries through
    budget.recordCall();
    expect(take(5)).toBe(3);
    // busy: 50 calls in the window allow 10 retries in all
    for (let i = 0; i < 49; i += 1) budget.recordCall();
    expect(take(20)).toBe(7);
    // 10.5 s later the window has slid past all of it
    now = 10_500;
    for (let i = 0; i < 10; i += 1) budget.recordCall();
    expect(take(5)).toBe(3);
  });

  it('bounds the calls a failing upstream receives at about (1 + share) × the calls made, and counts the refusals', async () => {
    const { client, calls, name } = await dependency('fail', { breakerFailures: 1_000, retryBudgetRatio: 0.2, retryBudgetMin: 3 });

    for (let i = 0; i < 40; i += 1) await expect(client.request(get)).rejects.toThrow();

    // without the budget, 40 calls with 2 retries each would reach it 120 times
    expect(calls.count).toBeGreaterThan(40);
    expect(calls.count).toBeLessThanOrEqual(40 * 1.2 + 3);
    expect(await counter('kit_dependency_retries_total', name)).toBe(calls.count - 40);
    expect(await counter('kit_dependency_retry_budget_exhausted_total', name)).toBeGreaterThan(0);
  });
});
