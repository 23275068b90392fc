import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { UpstreamError, createLogger, getMetrics } from '@kit/telemetry';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DEPENDENCY_SETTINGS, type DependencySettings } from '../src/dependency';
import { createHttpDependency } from '../src/http-dependency';

/** An upstream whose behaviour each test scripts: a list of answers, the last one repeating. */
function upstream(plan: ('ok' | 'fail' | 'hang' | 'teapot')[]) {
  const calls = { count: 0, aborted: 0 };
  const app = express();
  app.get('/thing', (req, res) => {
    const step = plan[Math.min(calls.count, plan.length - 1)];
    calls.count += 1;
    req.on('close', () => {
      if (!res.writableEnded) calls.aborted += 1;
    });
    if (step === 'ok') res.json({ ok: true });
    else if (step === 'fail') res.status(503).json({ error: 'down' });
    else if (step === 'teapot') res.status(418).json({ error: 'teapot' });
  });
  return new Promise<{ url: string; calls: typeof calls; server: Server }>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, server });
    });
  });
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function dependency(plan: Parameters<typeof upstream>[0], settings: Partial<DependencySettings> = {}) {
  const up = await upstream(plan);
  servers.push(up.server);
  const name = `dep-${Math.random().toString(36).slice(2, 8)}`;
  const client = createHttpDependency({
    name,
    baseUrl: up.url,
    logger: createLogger({ destination: new PassThrough().resume() }),
    settings: { ...DEFAULT_DEPENDENCY_SETTINGS, retryBaseMs: 1, halfOpenAfterMs: 100, ...settings },
  });
  return { client, calls: up.calls, name };
}

const metric = async (pattern: RegExp) => Number(pattern.exec(await getMetrics().render(false))?.[1] ?? 'NaN');

describe('an HTTP dependency', () => {
  it('retries an idempotent call through transient failures, and counts the retries', async () => {
    const { client, calls, name } = await dependency(['fail', 'fail', 'ok']);

    const res = await client.request<{ ok: boolean }>({ method: 'GET', path: '/thing', idempotent: true });

    expect(res).toEqual({ status: 200, data: { ok: true } });
    expect(calls.count).toBe(3);
    expect(await metric(new RegExp(`kit_dependency_retries_total\\{dependency="${name}"\\} (\\d+)`))).toBe(2);
  });

  it('tries a non-idempotent call once', async () => {
    const { client, calls } = await dependency(['fail', 'ok']);

    await expect(client.request({ method: 'GET', path: '/thing', idempotent: false })).rejects.toBeInstanceOf(UpstreamError);
    expect(calls.count).toBe(1);
  });

  it('returns 4xx answers to the caller without counting them against the upstream', async () => {
    const { client, name } = await dependency(['teapot'], { breakerFailures: 2 });

    for (let i = 0; i < 5; i += 1) {
      expect((await client.request({ method: 'GET', path: '/thing', idempotent: true })).status).toBe(418);
    }
    expect(client.state()).toBe('closed');
    expect(await metric(new RegExp(`kit_dependency_circuit_state\\{dependency="${name}"\\} (\\d+)`))).toBe(0);
  });

  it('opens the circuit after consecutive failures, fails fast while open, and closes when the upstream recovers', async () => {
    const { client, calls, name } = await dependency(['fail', 'fail', 'fail', 'ok'], { breakerFailures: 3, retries: 0 });

    for (let i = 0; i < 3; i += 1) await expect(client.request({ method: 'GET', path: '/thing', idempotent: true })).rejects.toThrow();
    const open = client.state();
    const fastFail = await client.request({ method: 'GET', path: '/thing', idempotent: true }).catch((error: unknown) => error);
    const callsWhileOpen = calls.count;
    await new Promise((resolve) => setTimeout(resolve, 150));
    const recovered = await client.request({ method: 'GET', path: '/thing', idempotent: true });

    expect(open).toBe('open');
    expect(fastFail).toBeInstanceOf(UpstreamError);
    expect((fastFail as UpstreamError).status).toBe(503);
    expect((fastFail as UpstreamError).message).toContain('circuit open');
    expect(callsWhileOpen).toBe(3);
    expect(recovered.status).toBe(200);
    expect(client.state()).toBe('closed');
    expect(await metric(new RegExp(`kit_dependency_rejections_total\\{dependency="${name}",reason="circuit_open"\\} (\\d+)`))).toBe(1);
  });

  it('aborts a hung call at its timeout and answers 504', async () => {
    const { client, calls, name } = await dependency(['hang'], { timeoutMs: 100, retries: 0 });

    const started = Date.now();
    const error = await client.request({ method: 'GET', path: '/thing', idempotent: true }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBe(504);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect.poll(() => calls.aborted).toBe(1);
    expect(await metric(new RegExp(`kit_dependency_timeouts_total\\{dependency="${name}"\\} (\\d+)`))).toBe(1);
  });

  it('follows live settings: a new timeout and retry count apply from the next call on', async () => {
    const up = await upstream(['fail', 'fail', 'ok', 'hang']);
    servers.push(up.server);
    let settings: DependencySettings = { ...DEFAULT_DEPENDENCY_SETTINGS, retryBaseMs: 1, retries: 0, timeoutMs: 2_000 };
    const client = createHttpDependency({ name: `live-${Math.random().toString(36).slice(2, 8)}`, baseUrl: up.url, logger: createLogger({ destination: new PassThrough().resume() }), settings: () => settings });

    // no retries: the first failure is the answer
    await expect(client.request({ method: 'GET', path: '/thing', idempotent: true })).rejects.toBeInstanceOf(UpstreamError);
    expect(up.calls.count).toBe(1);
    // two retries from now on: fail, then ok
    settings = { ...settings, retries: 2 };
    await expect(client.request({ method: 'GET', path: '/thing', idempotent: true })).resolves.toMatchObject({ status: 200 });
    expect(up.calls.count).toBe(3);
    // a 100 ms budget from now on: the hanging upstream is cut off at once, not after 2 s
    settings = { ...settings, retries: 0, timeoutMs: 100 };
    const started = Date.now();
    const error = await client.request({ method: 'GET', path: '/thing', idempotent: true }).catch((e: unknown) => e);
    expect((error as UpstreamError).status).toBe(504);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('rejects calls beyond its concurrency and queue with a clear 503', async () => {
    const { client, name } = await dependency(['hang'], { concurrency: 2, queue: 1, timeoutMs: 300, retries: 0 });

    const results = await Promise.allSettled(Array.from({ length: 5 }, () => client.request({ method: 'GET', path: '/thing', idempotent: true })));
    const messages = results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'));

    expect(messages.filter((m) => m.includes('overloaded'))).toHaveLength(2);
    expect(await metric(new RegExp(`kit_dependency_rejections_total\\{dependency="${name}",reason="bulkhead_full"\\} (\\d+)`))).toBe(2);
  });

  it('treats a refused connection as a failure of the upstream', async () => {
    const { client, calls } = await dependency(['ok']);
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));

    const error = await client.request({ method: 'GET', path: '/thing', idempotent: true }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamError);
    // the client sees a fixed phrase; the socket's code stays in the cause, for the log
    expect((error as UpstreamError).message).toMatch(/ is unreachable$/);
    expect((error as UpstreamError).cause).toMatchObject({ message: 'request failed: ECONNREFUSED' });
    expect(calls.count).toBe(0);
  });
});

describe('spreading over replicas', () => {
  it('sends calls to every address the upstream name resolves to, keeping the Host header', async () => {
    const seen: string[] = [];
    const hosts: string[] = [];
    const replica = (address: string, port: number) =>
      new Promise<Server>((resolve) => {
        const app = express();
        app.get('/thing', (req, res) => {
          seen.push(address);
          hosts.push(req.headers.host ?? '');
          res.json({ address });
        });
        const server = app.listen(port, address, () => resolve(server));
      });
    // two replicas on one port, as containers behind one service name are
    const first = await replica('127.0.0.1', 0);
    const port = (first.address() as AddressInfo).port;
    servers.push(first, await replica('127.0.0.2', port));
    const client = createHttpDependency({
      name: 'spread',
      baseUrl: `http://orders.internal:${port}`,
      logger: createLogger({ destination: new PassThrough().resume() }),
      spread: true,
      resolve: (host) => Promise.resolve(host === 'orders.internal' ? ['127.0.0.1', '127.0.0.2'] : []),
    });

    for (let i = 0; i < 10; i += 1) await client.request({ method: 'GET', path: '/thing', idempotent: true });

    expect(seen.filter((a) => a === '127.0.0.1')).toHaveLength(5);
    expect(seen.filter((a) => a === '127.0.0.2')).toHaveLength(5);
    expect(new Set(hosts)).toEqual(new Set([`orders.internal:${port}`]));
  });
});
