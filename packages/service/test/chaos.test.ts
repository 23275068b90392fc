/**
 * Chaos faults: each fault's parameters (a 400 naming the field), its effect, TTL expiry,
 * cancellation, the guarded routes, and what it leaves in metrics and logs.
 */
import { PassThrough } from 'node:stream';
import { Lifecycle, LABEL_FAULT, METRIC_CHAOS_FAULTS_ACTIVE, UpstreamError, ValidationError, createLogger, serviceGauge } from '@kit/telemetry';
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChaos, createDependency, createServiceApp, setProcessChaos, withDatabaseChaos, type Chaos } from '../src/index';

const TOKEN = 'chaos-test-token-0123456789';

function logged(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return { logger: createLogger({ destination: stream }), lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

let chaos: Chaos | undefined;
afterEach(() => {
  chaos?.close();
  chaos = undefined;
  setProcessChaos(undefined);
  vi.useRealTimers();
});

function make(options: { random?: () => number; exit?: (code: number) => void } = {}) {
  const log = logged();
  chaos = createChaos({ service: 'test', logger: log.logger, ...options });
  return { chaos, ...log };
}

function app(faults: Chaos) {
  const routes = express.Router();
  routes.get('/products', (_req, res) => {
    res.json({ ok: true });
  });
  routes.get('/other', (_req, res) => {
    res.json({ ok: true });
  });
  const lifecycle = new Lifecycle();
  lifecycle.markStarted();
  return createServiceApp({ lifecycle, logger: createLogger({ destination: new PassThrough().resume() }), routes, chaos: { faults, token: TOKEN } });
}

const activeGauge = async (type: string) =>
  (await serviceGauge(METRIC_CHAOS_FAULTS_ACTIVE, '', [LABEL_FAULT]).get()).values.find((v) => v.labels[LABEL_FAULT] === type)?.value;

describe('fault parameters', () => {
  it('rejects a bad fault with a 400 that names each bad field', () => {
    const { chaos: faults } = make();
    const problem = (input: unknown) => {
      try {
        faults.inject(input);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return ((error as ValidationError).details as { fields: { field: string }[] }).fields.map((f) => f.field);
      }
      throw new Error('accepted');
    };
    expect(problem({ type: 'latency' })).toEqual(['ms']);
    expect(problem({ type: 'latency', ms: 100, probability: 2 })).toEqual(['probability']);
    expect(problem({ type: 'error', status: 200 })).toEqual(['status']);
    expect(problem({ type: 'cpu', dutyCycle: 0.5, ttlSeconds: 99_999 })).toEqual(['ttlSeconds']);
    expect(problem({ type: 'latency', ms: 10, route: 'products' })).toEqual(['route']);
    expect(problem({ type: 'dependency', target: 'payments', mode: 'sometimes' })).toEqual(['mode']);
    expect(problem({ type: 'meteor' })).toEqual(['type']);
    expect(problem({ type: 'hang', colour: 'red' })).toEqual(['colour']);
    expect(faults.list()).toEqual([]);
  });

  it('fills defaults: a 5-minute TTL, probability 1, status 500', () => {
    const { chaos: faults } = make();
    const fault = faults.inject({ type: 'error' });
    expect(fault.spec).toEqual({ type: 'error', status: 500, probability: 1, ttlSeconds: 300 });
    expect(Date.parse(fault.expiresAt) - Date.parse(fault.startedAt)).toBe(300_000);
  });
});

describe('fault lifetime', () => {
  it('reverts by itself when its TTL runs out, logging start and end and moving the gauge', async () => {
    vi.useFakeTimers();
    const { chaos: faults, lines } = make();
    faults.inject({ type: 'latency', ms: 50, ttlSeconds: 2 });
    expect(faults.list()).toHaveLength(1);
    expect(await activeGauge('latency')).toBe(1);
    vi.advanceTimersByTime(1_999);
    expect(faults.list()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(faults.list()).toEqual([]);
    expect(await activeGauge('latency')).toBe(0);
    expect(lines().map((l) => l.message)).toEqual(['chaos fault latency started in test', 'chaos fault latency ended (expired)']);
  });

  it('is cancelled one by one or all at once', () => {
    const { chaos: faults } = make();
    const a = faults.inject({ type: 'latency', ms: 5 });
    faults.inject({ type: 'error' });
    faults.inject({ type: 'hang', route: '/x' });
    expect(faults.cancel(a.id)).toBe(true);
    expect(faults.cancel(a.id)).toBe(false);
    expect(faults.list().map((f) => f.spec.type).sort()).toEqual(['error', 'hang']);
    expect(faults.cancelAll()).toBe(2);
    expect(faults.list()).toEqual([]);
  });
});

describe('request faults', () => {
  it('adds latency to matching routes only', async () => {
    const { chaos: faults } = make();
    faults.inject({ type: 'latency', ms: 150, route: '/products' });
    const started = Date.now();
    await request(app(faults)).get('/products').expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(faults.requestEffect('/other')).toBeUndefined();
  });

  it('answers with the error status, or throws an exception that becomes a JSON 500', async () => {
    const { chaos: faults } = make();
    const error = faults.inject({ type: 'error', status: 503 });
    const res = await request(app(faults)).get('/products').expect(503);
    expect(res.body).toEqual({ error: { code: 'chaos_injected', message: 'chaos: injected 503' } });
    faults.cancel(error.id);
    faults.inject({ type: 'exception', message: 'boom from chaos' });
    const thrown = await request(app(faults)).get('/products').expect(500);
    expect(thrown.body.error.code).toBe('internal');
  });

  it('hangs: accepts the request and never answers', async () => {
    const { chaos: faults } = make();
    faults.inject({ type: 'hang' });
    await expect(request(app(faults)).get('/products').timeout(300)).rejects.toThrow(/Timeout/);
  });

  it('applies a fault only to the share of requests its probability says', () => {
    let next = 0;
    const { chaos: faults } = make({ random: () => [0.1, 0.9][next++ % 2] ?? 0 });
    faults.inject({ type: 'error', probability: 0.5 });
    expect(faults.requestEffect('/a')?.status).toBe(500);
    expect(faults.requestEffect('/a')).toBeUndefined();
  });

  it('never touches health and metrics, so probes keep telling the truth', async () => {
    const { chaos: faults } = make();
    faults.inject({ type: 'error', status: 500 });
    faults.inject({ type: 'hang', route: '/livez' });
    await request(app(faults)).get('/livez').timeout(1_000).expect(200);
    await request(app(faults)).get('/readyz').timeout(1_000).expect(200);
  });
});

describe('process faults', () => {
  it('burns CPU at the duty cycle asked for', async () => {
    const { chaos: faults } = make();
    const before = process.cpuUsage();
    const startedAt = performance.now();
    faults.inject({ type: 'cpu', dutyCycle: 0.5 });
    // CPU time this process used since the fault began, against the wall time that passed; on a
    // busy machine the scheduler gives less, so wait (bounded) for a share, not a fixed interval
    const cpuMs = () => {
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1_000;
    };
    await expect.poll(cpuMs, { timeout: 10_000, interval: 100, message: 'no CPU burnt by the fault' }).toBeGreaterThan(300);
    // about half of the wall time passed (an idle process would be near 0)
    expect(cpuMs() / (performance.now() - startedAt)).toBeGreaterThan(0.2);
  });

  it('leaks memory at the rate asked, up to its cap, and gives it back when it ends', async () => {
    const { chaos: faults } = make();
    const before = process.memoryUsage().arrayBuffers;
    const leak = faults.inject({ type: 'memory', mbPerSecond: 8, capMb: 12 });
    const grown = () => process.memoryUsage().arrayBuffers - before;
    await expect.poll(grown, { timeout: 15_000, interval: 100, message: 'the leak did not reach its cap' }).toBeGreaterThanOrEqual(12 * 2 ** 20);
    // and it stops there: another second at 8 MB/s would pass the cap by far
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(grown()).toBeLessThan(20 * 2 ** 20);
    faults.cancel(leak.id);
  });

  it('blocks the event loop for the time asked', async () => {
    const { chaos: faults } = make();
    faults.inject({ type: 'block', ms: 200, everyMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    const started = performance.now();
    await new Promise((resolve) => setImmediate(resolve));
    const waited = performance.now() - started;
    const blocked = waited >= 150 || (await new Promise<number>((resolve) => {
      const t = performance.now();
      setTimeout(() => resolve(performance.now() - t), 0);
    })) >= 150;
    expect(blocked).toBe(true);
  });

  it('crashes the process after the delay, with the exit code asked (unless cancelled first)', () => {
    vi.useFakeTimers();
    const exit = vi.fn<(code: number) => void>();
    const { chaos: faults } = make({ exit });
    faults.inject({ type: 'crash', afterMs: 1_000, exitCode: 3 });
    const cancelled = faults.inject({ type: 'crash', afterMs: 500, exitCode: 9 });
    faults.cancel(cancelled.id);
    vi.advanceTimersByTime(999);
    expect(exit).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(exit).toHaveBeenCalledExactlyOnceWith(3);
  });
});

describe('faults read where they act', () => {
  const quiet = createLogger({ destination: new PassThrough().resume() });

  it('partitions a dependency: its calls fail (502) or wait for their timeout (504) while the fault lasts', async () => {
    const { chaos: faults } = make();
    setProcessChaos(faults);
    const dependency = createDependency('chaos-target', quiet, { timeoutMs: 100, retries: 0, retryBaseMs: 10, breakerFailures: 100, halfOpenAfterMs: 1_000, concurrency: 10, queue: 10, retryBudgetRatio: 0.2, retryBudgetMin: 3 });
    const call = () => dependency.execute(() => Promise.resolve('answer'), { idempotent: false });
    const fail = faults.inject({ type: 'dependency', target: 'chaos-target' });
    await expect(call()).rejects.toMatchObject({ status: 502, reason: 'unreachable', cause: { message: expect.stringContaining('partition') as string } });
    faults.cancel(fail.id);
    faults.inject({ type: 'dependency', target: 'chaos-target', mode: 'timeout' });
    await expect(call()).rejects.toBeInstanceOf(UpstreamError);
    await expect(call()).rejects.toMatchObject({ status: 504 });
    faults.cancelAll();
    await expect(call()).resolves.toBe('answer');
    faults.inject({ type: 'dependency', target: 'someone-else' });
    await expect(call()).resolves.toBe('answer');
  });

  it('slows database queries', async () => {
    const { chaos: faults } = make();
    setProcessChaos(faults);
    const client = withDatabaseChaos({ query: (sql: string) => Promise.resolve(`ran ${sql}`) });
    faults.inject({ type: 'database', ms: 120 });
    const started = Date.now();
    await expect(client.query('SELECT 1')).resolves.toBe('ran SELECT 1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
  });

  it('tells a consumer to stall while a stall fault is active', () => {
    const { chaos: faults } = make();
    const changes: boolean[] = [];
    faults.onStall((stalled) => changes.push(stalled));
    const first = faults.inject({ type: 'stall' });
    const second = faults.inject({ type: 'stall' });
    expect(faults.stalled()).toBe(true);
    faults.cancel(first.id);
    faults.cancel(second.id);
    expect(changes).toEqual([true, false]);
    expect(faults.stalled()).toBe(false);
  });
});

describe('the chaos routes', () => {
  it('do not exist unless the service enables chaos', async () => {
    const lifecycle = new Lifecycle();
    const plain = createServiceApp({ lifecycle, logger: createLogger({ destination: new PassThrough().resume() }), routes: express.Router() });
    await request(plain).get('/chaos/faults').expect(404);
  });

  it('need the bearer token', async () => {
    const { chaos: faults } = make();
    const server = app(faults);
    await request(server).get('/chaos/faults').expect(401);
    await request(server).get('/chaos/faults').set('authorization', 'Bearer wrong-token-0123456789').expect(401);
    await request(server).post('/chaos/faults').set('authorization', `Bearer ${TOKEN}x`).send({ type: 'hang' }).expect(401);
    expect(faults.list()).toEqual([]);
  });

  it('inject, list and cancel faults, and name the bad field of a bad one', async () => {
    const { chaos: faults } = make();
    const server = app(faults);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const created = await request(server).post('/chaos/faults').set(auth).send({ type: 'latency', ms: 800, ttlSeconds: 120 }).expect(201);
    expect(created.body).toMatchObject({ spec: { type: 'latency', ms: 800, ttlSeconds: 120 } });
    expect((await request(server).get('/chaos/faults').set(auth).expect(200)).body.faults).toHaveLength(1);
    const bad = await request(server).post('/chaos/faults').set(auth).send({ type: 'latency', ms: -1 }).expect(400);
    expect(bad.body.error.details.fields).toEqual([expect.objectContaining({ field: 'ms' })]);
    await request(server).delete('/chaos/faults/not-a-fault').set(auth).expect(404);
    await request(server).delete(`/chaos/faults/${String(created.body.id)}`).set(auth).expect(200, { cancelled: 1 });
    await request(server).delete('/chaos/faults').set(auth).expect(200, { cancelled: 0 });
  });
});
