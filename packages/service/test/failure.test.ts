import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { UpstreamError, createLogger, errorHandler, requestLogger, type AppError } from '@kit/telemetry';
import { TaskCancelledError } from 'cockatiel';
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DEPENDENCY_SETTINGS, createDependency, type DependencySettings } from '../src/dependency';
import { DependencyFailure, LocalCallError, classifyError, classifyStatus, countsAgainstUpstream } from '../src/failure';
import { createHttpDependency } from '../src/http-dependency';

type Behaviour = 'reset' | 'hang' | 500 | 503 | 429 | 400 | 404 | 200;

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(() => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  for (const server of servers.splice(0)) server.close();
});

/** A real upstream that behaves one way, counting the requests that reached it. */
async function upstream(behaviour: Behaviour) {
  const calls = { count: 0 };
  const server = createServer((req, res) => {
    calls.count += 1;
    req.resume();
    if (behaviour === 'reset') req.socket.destroy();
    else if (behaviour === 'hang') return;
    else res.writeHead(behaviour, { 'content-type': 'application/json' }).end(JSON.stringify({ behaviour }));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`, calls };
}

/** A port nothing listens on: bound, then closed. */
async function refusedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${String(port)}`;
}

function lines() {
  const out = new PassThrough();
  const seen: { level: string; message: string; [key: string]: unknown }[] = [];
  out.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') seen.push(JSON.parse(line) as (typeof seen)[number]);
  });
  return { logger: createLogger({ destination: out, exportOtlp: false }), seen };
}

const settings = (overrides: Partial<DependencySettings> = {}): DependencySettings => ({
  ...DEFAULT_DEPENDENCY_SETTINGS,
  retries: 2,
  retryBaseMs: 1,
  breakerFailures: 3,
  halfOpenAfterMs: 60_000,
  timeoutMs: 200,
  ...overrides,
});
const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

async function callThrice(baseUrl: string, body?: unknown) {
  const client = createHttpDependency({ name: unique('cls'), baseUrl, logger: createLogger({ destination: new PassThrough().resume(), exportOtlp: false }), settings: settings() });
  const outcomes: unknown[] = [];
  for (let i = 0; i < 3; i += 1) {
    outcomes.push(await client.request({ method: 'POST', path: '/thing', body, idempotent: true }).catch((error: unknown) => error));
  }
  return { client, outcomes };
}

describe('failure classification', () => {
  it('classifies answers: 5xx as server errors, 429 as overload, other 4xx as the client\'s, the rest as success', () => {
    expect([500, 502, 503, 504, 429, 400, 404, 409, 422, 200, 201, 304].map(classifyStatus)).toEqual([
      'server_error', 'server_error', 'server_error', 'server_error', 'overload',
      'client_error', 'client_error', 'client_error', 'client_error', undefined, undefined, undefined,
    ]);
  });

  it('classifies thrown errors by who raised them: socket codes and timeouts are the upstream\'s, anything else is local', () => {
    const coded = (code: string) => Object.assign(new Error('x'), { code });
    expect(classifyError(coded('ECONNREFUSED'))).toBe('connection');
    expect(classifyError(coded('ECONNRESET'))).toBe('connection');
    expect(classifyError(coded('EHOSTUNREACH'))).toBe('connection');
    expect(classifyError(coded('ENOTFOUND'))).toBe('connection');
    expect(classifyError(coded('HPE_INVALID_CONSTANT'))).toBe('connection');
    expect(classifyError(coded('ETIMEDOUT'))).toBe('timeout');
    expect(classifyError(new Error('wrapped', { cause: coded('ECONNRESET') }))).toBe('connection');
    expect(classifyError(new TaskCancelledError())).toBe('timeout');
    expect(classifyError(new DependencyFailure('answered 503', 503))).toBe('server_error');
    expect(classifyError(new DependencyFailure('answered 429', 429))).toBe('overload');
    // raised locally while building or sending the call
    expect(classifyError(new RangeError('Maximum call stack size exceeded'))).toBe('local');
    expect(classifyError(coded('ERR_INVALID_HTTP_TOKEN'))).toBe('local');
    expect(classifyError(coded('ERR_INVALID_URL'))).toBe('local');
    expect(classifyError(new TypeError('Converting circular structure to JSON'))).toBe('local');
    expect(classifyError('a string')).toBe('local');
    expect(classifyError(new LocalCallError('orders'))).toBe('local');
    expect(countsAgainstUpstream(new RangeError('x'))).toBe(false);
    expect(countsAgainstUpstream(coded('ECONNREFUSED'))).toBe(true);
  });
});

describe('what counts against a real upstream', () => {
  it.each([
    { behaviour: 500 as const, status: 502 },
    { behaviour: 503 as const, status: 502 },
    { behaviour: 429 as const, status: 503 },
    { behaviour: 'reset' as const, status: 502 },
    { behaviour: 'hang' as const, status: 504 },
  ])('an upstream that answers $behaviour: retried, counted, and its circuit opens', async ({ behaviour, status }) => {
    const up = await upstream(behaviour);
    const { client, outcomes } = await callThrice(up.url);

    expect(outcomes[0]).toBeInstanceOf(UpstreamError);
    expect((outcomes[0] as UpstreamError).status).toBe(status);
    // the first call made three attempts (two retries), which opened the circuit: nothing more reached it
    expect(up.calls.count).toBe(3);
    expect(client.state()).toBe('open');
    expect((outcomes[2] as UpstreamError).reason).toBe('circuit_open');
  });

  it('a refused connection counts against the upstream', async () => {
    const { client, outcomes } = await callThrice(await refusedPort());

    expect((outcomes[0] as UpstreamError).reason).toBe('unreachable');
    expect(client.state()).toBe('open');
  });

  it.each([400 as const, 404 as const])('an upstream that answers %s: the answer is returned, never retried or counted', async (status) => {
    const up = await upstream(status);
    const { client, outcomes } = await callThrice(up.url);

    expect(outcomes.map((o) => (o as { status: number }).status)).toEqual([status, status, status]);
    expect(up.calls.count).toBe(3);
    expect(client.state()).toBe('closed');
  });

  it('a body that cannot be serialised (nested 10,000 deep) fails locally: not sent, not retried, the circuit stays closed', async () => {
    const up = await upstream(200);
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i += 1) deep = { a: deep };

    const { client, outcomes } = await callThrice(up.url, deep);

    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(LocalCallError);
      expect((outcome as AppError).status).toBe(500);
      expect((outcome as AppError).expose).toBe(false);
    }
    expect(up.calls.count).toBe(0);
    expect(client.state()).toBe('closed');
    // the upstream is still usable by everybody else
    await expect(client.request({ method: 'POST', path: '/thing', body: { ok: true }, idempotent: true })).resolves.toMatchObject({ status: 200 });
  });

  it('a header Node refuses to send fails locally and the circuit stays closed', async () => {
    const up = await upstream(200);
    const client = createHttpDependency({ name: unique('hdr'), baseUrl: up.url, logger: createLogger({ destination: new PassThrough().resume(), exportOtlp: false }), settings: settings() });
    for (let i = 0; i < 3; i += 1) {
      await expect(client.request({ method: 'GET', path: '/thing', headers: { 'bad name': 'x' }, idempotent: true })).rejects.toBeInstanceOf(LocalCallError);
    }
    expect(client.state()).toBe('closed');
    expect(up.calls.count).toBe(0);
  });
});

describe('rejections are logged per episode, not per call', () => {
  it('an open circuit refusing 250 calls writes one line when it opens and one, with the count, when it lets calls through', async () => {
    const { logger, seen } = lines();
    const dependency = createDependency(unique('episode'), logger, settings({ retries: 0, breakerFailures: 2 }));
    const call = () => dependency.execute(() => Promise.reject(new DependencyFailure('answered 503', 503)), { idempotent: false });
    // an app whose route calls the dependency, with the kit's request log and error middleware
    const app = express();
    app.use(requestLogger(logger));
    app.get('/x', async (_req, res) => {
      res.json(await call());
    });
    app.use(errorHandler(logger));

    for (let i = 0; i < 2; i += 1) await request(app).get('/x').expect(502);
    const before = seen.length;
    for (let i = 0; i < 200; i += 1) await request(app).get('/x').expect(503);
    const duringOutage = seen.slice(before);
    // held open by hand for 50 more, then released: the circuit closes
    const release = dependency.isolate();
    for (let i = 0; i < 50; i += 1) await request(app).get('/x').expect(503);
    release();

    // the two failures that opened it: a warn each, no stack; then the open line, and nothing per refusal
    expect(seen.slice(0, before).filter((l) => l.level === 'warn' && l.message.includes('failed'))).toHaveLength(2);
    expect(seen.slice(0, before).filter((l) => l.message.endsWith('is open'))).toHaveLength(1);
    expect(seen.some((l) => 'exception.stacktrace' in l)).toBe(false);
    expect(duringOutage).toEqual([]);
    expect(seen.slice(before).map((l) => l.message)).toEqual([expect.stringMatching(/is isolated$/) as string, expect.stringMatching(/is closed; 250 calls refused while it was open$/) as string]);
    expect(seen.at(-1)).toMatchObject({ level: 'info', rejected: 250 });
  });

  it('a full bulkhead writes one line when shedding starts and one with the count when a call is admitted again', async () => {
    const { logger, seen } = lines();
    const dependency = createDependency(unique('shed'), logger, settings({ retries: 0, concurrency: 1, queue: 0, timeoutMs: 2_000 }));
    let release: () => void = () => undefined;
    const blocker = dependency.execute(
      () =>
        new Promise<string>((resolve) => {
          release = () => resolve('done');
        }),
      { idempotent: false },
    );
    const shed = await Promise.allSettled(Array.from({ length: 50 }, () => dependency.execute(() => Promise.resolve('x'), { idempotent: false })));
    release();
    await blocker;
    await dependency.execute(() => Promise.resolve('again'), { idempotent: false });

    expect(shed.every((r) => r.status === 'rejected' && (r.reason as UpstreamError).reason === 'bulkhead_full')).toBe(true);
    expect(seen.map((l) => l.message)).toEqual([expect.stringContaining('being shed') as string, expect.stringContaining('50 shed') as string]);
  });
});

describe('error bodies', () => {
  it('never carry an exception\'s text: a fixed message and the request id; the log keeps the detail once', async () => {
    const { logger, seen } = lines();
    const app = express();
    app.get('/boom', () => {
      throw new RangeError('Maximum call stack size exceeded at /srv/secret/file.ts:12:3');
    });
    app.get('/upstream', () => {
      throw new UpstreamError('orders failed (answered 503)', { status: 502, cause: new DependencyFailure('answered 503', 503), dependency: 'orders' });
    });
    app.use(errorHandler(logger));

    const boom = await request(app).get('/boom').set('x-request-id', 'req-12345678').expect(500);
    const upstreamFailed = await request(app).get('/upstream').set('x-request-id', 'req-87654321').expect(502);

    expect(boom.body).toEqual({ error: { code: 'internal', message: 'Internal server error', requestId: 'req-12345678' } });
    expect(upstreamFailed.body).toEqual({ error: { code: 'upstream_unavailable', message: 'orders failed (answered 503)', requestId: 'req-87654321' } });
    const detail = seen.filter((l) => JSON.stringify(l).includes('Maximum call stack'));
    expect(detail).toHaveLength(1);
    expect(detail[0]).toMatchObject({ level: 'error', request_id: 'req-12345678' });
    expect(seen.find((l) => l.request_id === 'req-87654321')).toMatchObject({ level: 'warn', cause: expect.stringContaining('answered 503') as string });
  });
});
