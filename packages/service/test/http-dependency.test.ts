import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { UpstreamError, createLogger, getMetrics } from '@kit/telemetry';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DEPENDENCY_SETTINGS, HALF_OPEN_AFTER_GONE_MS, type DependencySettings } from '../src/dependency';
import { addressPicker, createHttpDependency } from '../src/http-dependency';

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

describe('an upstream with several addresses, one of them down', () => {
  /** A replica answering /thing (GET and POST) with its name; counts what it served. */
  async function replica(name: string) {
    const served = { count: 0 };
    const app = express();
    app.all('/thing', (_req, res) => {
      served.count += 1;
      res.json({ replica: name });
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, served, server };
  }
  /** A base URL where nothing listens: a port that was just free. */
  async function deadUrl() {
    const { url, server } = await replica('gone');
    servers.splice(servers.indexOf(server), 1);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    return url;
  }
  const quiet = () => createLogger({ destination: new PassThrough().resume() });

  it('answers every call, writes too, from the live address, without a retry or an open circuit', async () => {
    const live = await replica('live');
    const dead = await deadUrl();
    const name = `pair-${Math.random().toString(36).slice(2, 8)}`;
    // no retries and a breaker that opens on the first failure: any failure would show
    const client = createHttpDependency({ name, baseUrl: [dead, live.url], logger: quiet(), settings: { ...DEFAULT_DEPENDENCY_SETTINGS, retries: 0, breakerFailures: 1 } });

    const answers = [];
    for (let i = 0; i < 10; i += 1) answers.push(await client.request<{ replica: string }>({ method: i % 2 === 0 ? 'GET' : 'POST', path: '/thing', body: {}, idempotent: i % 2 === 0 }));

    expect(answers.map((answer) => answer.data.replica)).toEqual(Array.from({ length: 10 }, () => 'live'));
    expect(live.served.count).toBe(10);
    expect(client.state()).toBe('closed');
  });

  it('skips the refusing address for a while, then tries it again and takes it back when it answers', async () => {
    const live = await replica('live');
    const other = await replica('other');
    const port = new URL(other.url).port;
    servers.splice(servers.indexOf(other.server), 1);
    other.server.closeAllConnections();
    await new Promise((resolve) => other.server.close(resolve));
    const client = createHttpDependency({ name: `back-${Math.random().toString(36).slice(2, 8)}`, baseUrl: [other.url, live.url], logger: quiet(), skipFailedMs: 200 });
    const call = async () => (await client.request<{ replica: string }>({ method: 'GET', path: '/thing', idempotent: true })).data.replica;

    // the refusal marks it: the calls that follow go to the live address first
    await call();
    const servedBefore = live.served.count;
    for (let i = 0; i < 6; i += 1) expect(await call()).toBe('live');
    expect(live.served.count - servedBefore).toBe(6);

    // the replica comes back on its port; after the skip it gets its share again
    const back = express();
    let backServed = 0;
    back.get('/thing', (_req, res) => {
      backServed += 1;
      res.json({ replica: 'back' });
    });
    const restarted = await new Promise<Server>((resolve) => {
      const s = back.listen(Number(port), '127.0.0.1', () => resolve(s));
    });
    servers.push(restarted);
    await expect
      .poll(async () => {
        await call();
        return backServed;
      }, { timeout: 5_000, interval: 50, message: 'the restarted replica never got a call back' })
      .toBeGreaterThan(0);
    const seen = new Set<string>();
    for (let i = 0; i < 4; i += 1) seen.add(await call());
    expect(seen).toEqual(new Set(['live', 'back']));
  });

  it('still calls a lone address that refused (no address is ever dropped), and fails as a refusal when all refuse', async () => {
    const first = await deadUrl();
    const second = await deadUrl();
    const client = createHttpDependency({ name: `none-${Math.random().toString(36).slice(2, 8)}`, baseUrl: [first, second], logger: quiet(), settings: { ...DEFAULT_DEPENDENCY_SETTINGS, retries: 0 } });

    for (let i = 0; i < 3; i += 1) {
      const error = await client.request({ method: 'GET', path: '/thing', idempotent: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      // the client reads a fixed phrase; the refusal itself is the cause, for the log
      expect((error as UpstreamError).message).toMatch(/ is unreachable$/);
      expect(String((error as UpstreamError).cause)).toMatch(/ECONNREFUSED/);
    }
  });
});

describe('the address picker', () => {
  it('rotates over every address and puts a failed one last until its skip is over', async () => {
    const picker = addressPicker(() => Promise.resolve(['a', 'b', 'c']), 60_000);

    const firsts = [];
    for (let i = 0; i < 6; i += 1) firsts.push((await picker.order())[0]);
    picker.failed('b');
    const orders = [];
    for (let i = 0; i < 3; i += 1) orders.push(await picker.order());
    picker.answered('b');

    expect(new Set(firsts)).toEqual(new Set(['a', 'b', 'c']));
    for (const order of orders) expect(order.at(-1)).toBe('b');
    expect(orders.every((order) => order.length === 3)).toBe(true);
    expect(new Set(await Promise.all([0, 1, 2].map(async () => (await picker.order())[0])))).toEqual(new Set(['a', 'b', 'c']));
  });
});

describe('a circuit opened by a dead upstream', () => {
  it('lets a trial call through every half second while connections are refused, so a restarted upstream is used again within about a second', async () => {
    const { url, server } = await upstream(['ok']);
    const port = Number(new URL(url).port);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    const client = createHttpDependency({ name: `restart-${Math.random().toString(36).slice(2, 8)}`, baseUrl: url, logger: createLogger({ destination: new PassThrough().resume() }) });
    const call = () => client.request({ method: 'GET', path: '/thing', idempotent: true }).then((res) => res.status, () => 0);

    await expect.poll(async () => (await call(), client.state()), { timeout: 5_000, interval: 20, message: 'the circuit never opened' }).toBe('open');
    // the upstream comes back; steady traffic (a call every 20 ms) finds it
    const back = await new Promise<Server>((resolve) => {
      const app = express();
      app.get('/thing', (_req, res) => res.json({ ok: true }));
      const s = app.listen(port, '127.0.0.1', () => resolve(s));
    });
    servers.push(back);
    const listeningAt = Date.now();
    await expect.poll(call, { timeout: 10_000, interval: 20, message: 'the recovered upstream was never called again' }).toBe(200);
    const recoveredAfterMs = Date.now() - listeningAt;

    expect(HALF_OPEN_AFTER_GONE_MS).toBe(500);
    // one short pause at most (not the default 5 s), plus slack for a busy machine
    expect(recoveredAfterMs).toBeLessThan(HALF_OPEN_AFTER_GONE_MS + 1_500);
    expect(recoveredAfterMs).toBeLessThan(DEFAULT_DEPENDENCY_SETTINGS.halfOpenAfterMs);
    expect(client.state()).toBe('closed');
    process.stdout.write(`recovered upstream used again after ${String(recoveredAfterMs)} ms\n`);
  });

  it('keeps a circuit opened by error answers open for the whole configured pause', async () => {
    const { client, calls } = await dependency(['fail'], { breakerFailures: 2, retries: 0, halfOpenAfterMs: 1_500 });
    const call = () => client.request({ method: 'GET', path: '/thing', idempotent: true }).catch(() => undefined);

    for (let i = 0; i < 2; i += 1) await call();
    const openedAt = Date.now();
    expect(client.state()).toBe('open');
    // steady calls for longer than the short pause: none reaches the upstream while the circuit is open
    while (Date.now() - openedAt < 1_000) {
      await call();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(calls.count).toBe(2);
  });
});
