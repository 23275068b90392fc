/**
 * The kit as an attacker sees it: generated hostile requests (fast-check) on every public route of
 * the native stack, through the gateway and through the monolith, interleaved with valid checkouts.
 * Hostile means: JSON nested deep and wide, huge and odd strings, numbers at the edges, wrong types
 * and content types, invalid UTF-8, odd methods, header abuse (huge, duplicated, CR/LF, odd keys),
 * prototype keys and path tricks. Requests go out over raw sockets, so nothing on our side cleans
 * them up. Asserted: no 5xx other than a deliberate 503 shed; every error is JSON without internal
 * text; afterwards every circuit is closed, a checkout succeeds and the gateway's metric series did
 * not grow with the hostile paths and methods. Real PostgreSQL, Redis and RabbitMQ; run it under the
 * heavy-test lock. The seed is printed; ADVERSARIAL_SEED=<n> replays a run.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, startStack, type OtlpReceiver, type RunningStack, type StackMode } from '../src/index';

const ADMIN = 'adversarial-admin-token-0123';
const CHAOS = 'adversarial-chaos-token-0123';
const SEED = Number(process.env.ADVERSARIAL_SEED ?? Date.now() % 2_147_483_647);
/** Hostile requests per half of the attack (two halves per mode). */
const RUNS = 400;

interface Mode {
  readonly mode: StackMode;
  readonly basePort: number;
  readonly redisDb: number;
  readonly vhost: string;
  readonly databases: { readonly catalog: string; readonly orders: string; readonly notifications: string };
}
// the e2e tests' databases, Redis databases and vhosts (the lock keeps the two apart), own ports
const MODES: readonly Mode[] = [
  { mode: 'services', basePort: 23_280, redisDb: 9, vhost: 'kit-e2e', databases: { catalog: 'kit_catalog', orders: 'kit_orders', notifications: 'kit_notifications' } },
  { mode: 'monolith', basePort: 23_380, redisDb: 10, vhost: 'kit-mono', databases: { catalog: 'kit_mono_catalog', orders: 'kit_mono_orders', notifications: 'kit_mono_notifications' } },
];

// ---------------------------------------------------------------------------------------------
// a raw HTTP/1.1 client: bytes exactly as given, one request per connection

interface Hostile {
  readonly method: string;
  readonly target: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: Buffer | undefined;
  /** Send no Content-Length of our own (the case brings its own framing headers). */
  readonly ownFraming?: boolean;
}

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const eol = body.indexOf('\r\n', at);
    if (eol === -1) break;
    const size = Number.parseInt(body.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function send(base: string, request: Hostile): Promise<Answer> {
  const { hostname, port } = new URL(base);
  const head = [`${request.method} ${request.target} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close'];
  for (const [name, value] of request.headers) head.push(`${name}: ${value}`);
  if (request.body !== undefined && request.ownFraming !== true) head.push(`Content-Length: ${String(request.body.length)}`);
  const bytes = Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), request.body ?? Buffer.alloc(0)]);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 15 s to ${request.method} ${request.target.slice(0, 200)}`));
    }, 15_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // a server may close while we still write (a refused body): what it answered is what counts
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      if (split === -1) {
        resolve({ status: 0, headers: {}, body: all.toString('latin1') });
        return;
      }
      const [statusLine = '', ...lines] = all.subarray(0, split).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const rawBody = all.subarray(split + 4);
      const body = headers['transfer-encoding']?.includes('chunked') === true ? dechunk(rawBody) : rawBody;
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body: body.toString('utf8') });
    });
    socket.write(bytes);
  });
}

// ---------------------------------------------------------------------------------------------
// what a hostile request may look like

const ODD_METHODS = ['PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'SEARCH', 'QUERY', 'DELETE', 'PUT', 'POST', 'GET', 'HEAD', 'FOO', 'M-SEARCH'];
const CHECKOUT = (quantity: string, productId = '"p-001"') => `{"customerEmail":"ada@example.com","items":[{"productId":${productId},"quantity":${quantity}}],"card":{"token":"tok_visa"}}`;

const segment = fc.oneof(
  fc.constantFrom('p-001', 'p-999', 'ord-x', 'gateway', 'orders', 'catalog'),
  fc.constantFrom('..', '%2e%2e', '%2E%2E%2F%2E%2E', '..%2f..%2fadmin', '%00', 'p-001%00.json', '%ff%fe', '%E0%A4%A', '%', '%%32%65', '%0d%0aX-Injected:%201', '~', '.', '%5c..%5c', 'a;b=c'),
  fc.string({ minLength: 1, maxLength: 40 }).map((s) => encodeURIComponent(s)),
  fc.integer({ min: 300, max: 6_000 }).map((n) => 'x'.repeat(n)),
);

const ROUTES: readonly (readonly [string, (id: string) => string])[] = [
  ['GET', () => '/api/health'],
  ['GET', () => '/api/catalog/products'],
  ['GET', (id) => `/api/catalog/products/${id}`],
  ['GET', (id) => `/api/catalog/products/${id}/recommendations`],
  ['GET', () => '/api/catalog/categories'],
  ['POST', () => '/api/orders'],
  ['GET', (id) => `/api/orders/${id}`],
  ['GET', (id) => `/api/stock/${id}`],
  ['GET', () => '/api/notifications'],
  ['PUT', (id) => `/api/admin/stock/${id}`],
  ['GET', () => '/api/chaos'],
  ['POST', (id) => `/api/chaos/${id}/faults`],
  ['DELETE', (id) => `/api/chaos/${id}/faults/${id}`],
  ['GET', (id) => `/api/catalog/${id}/../../admin/stock/p-001`],
  ['GET', (id) => `//api//catalog//products//${id}`],
  ['GET', (id) => `/api/${id}`],
  ['GET', (id) => `/${id}`],
  // the services' operations routes must not be reachable through the public entry point
  ['GET', () => '/api/catalog/metrics'],
  ['GET', (id) => `/api/catalog/chaos/faults/${id}`],
];

const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?__proto__[admin]=1', '?constructor[prototype][polluted]=1', '?limit=1e308', '?limit=-0', '?limit=NaN', '?limit=99999999999999999999', '?orderId=%00', '?category=..%2f..%2fetc', '?q=%ff', '?limit=1&limit=2', '?a[]=1&a[]=2', '?=&&=='),
  fc.string({ maxLength: 60 }).map((s) => `?q=${encodeURIComponent(s)}&limit=${String(s.length)}`),
);

const deepText = fc.tuple(fc.noBias(fc.integer({ min: 33, max: 12_000 })), fc.boolean()).map(([depth, arrays]) => (arrays ? '['.repeat(depth) + ']'.repeat(depth) : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));
const jsonBodies = fc.oneof(
  deepText,
  fc.integer({ min: 1_001, max: 8_000 }).map((n) => `{"items":[${Array.from({ length: n }, () => '0').join(',')}]}`),
  fc.integer({ min: 257, max: 3_000 }).map((n) => `{${Array.from({ length: n }, (_, i) => `"k${String(i)}":0`).join(',')}}`),
  fc.integer({ min: 4_097, max: 60_000 }).map((n) => `{"customerEmail":"${'a'.repeat(n)}"}`),
  fc.integer({ min: 70_000, max: 200_000 }).map((n) => `{"a":"${'b'.repeat(n)}"}`),
  fc.constantFrom('1e308', '-0', '1e400', '-1e400', '1e-400', '123456789012345678901234567890', '9007199254740993', '1.5', '-1', '0', '"1"', '"NaN"', '"Infinity"', 'null', 'true', '[]', '{}', '"__proto__"').map((q) => CHECKOUT(q)),
  fc.constantFrom('"\\ud800"', '"\\u0000"', '"p-001\\u0000"', '"../../etc/passwd"', '"p-001\' OR 1=1 --"', '"\\u202e100-p"', '1', 'null', '{"$gt":""}').map((p) => CHECKOUT('1', p)),
  fc.constantFrom(
    '{"__proto__":{"admin":true},"customerEmail":"ada@example.com","items":[{"productId":"p-001","quantity":1}],"card":{"token":"tok_visa"}}',
    '{"constructor":{"prototype":{"polluted":true}},"items":[]}',
    '{"items":[{"__proto__":{"quantity":5},"productId":"p-001"}]}',
    '{"type":"latency","__proto__":{"ms":1}}',
    '{"available":{"__proto__":{"valueOf":1}}}',
    '{"available":1e308}',
    '{"available":-0}',
    '{"type":"error","status":200,"rate":1e-400}',
    '',
    '{',
    '{"a":1}garbage',
    '\u0000',
    '"just a string"',
    '[1,2,3]',
  ),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  // a checkout with every field of a random type
  fc
    .record({
      customerEmail: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null)),
      items: fc.oneof(
        fc.array(fc.record({ productId: fc.oneof(fc.constantFrom('p-001', 'p-042'), fc.string(), fc.integer()), quantity: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.boolean()) }), { maxLength: 60 }),
        fc.string(),
        fc.constant({}),
      ),
      card: fc.oneof(fc.record({ token: fc.oneof(fc.constantFrom('tok_visa', 'tok_declined'), fc.string()) }), fc.constant([]), fc.string()),
    })
    .map((order) => JSON.stringify(order)),
);
const bodies = fc.oneof(
  { weight: 4, arbitrary: jsonBodies.map((text) => Buffer.from(text, 'utf8')) },
  // invalid UTF-8 inside an otherwise fine JSON string
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.concat([Buffer.from('{"customerEmail":"'), Buffer.from(bytes.map((b) => 0x80 | b)), Buffer.from('"}')])) },
);
const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/merge-patch+json',
      '*/*',
      'application/json, text/html',
      '',
    ),
  },
);
const headerAbuse = fc.oneof(
  fc.constant([] as [string, string][]),
  fc.integer({ min: 9_000, max: 40_000 }).map((n): [string, string][] => [['X-Huge', 'h'.repeat(n)]]),
  fc.constant([['Idempotency-Key', 'k'.repeat(5_000)]] as [string, string][]),
  fc.constantFrom('', ' ', '../../etc/passwd', "' OR 1=1 --", '\u00e9\u00ff\u00fe', 'key with spaces', '%00', '{"a":1}').map((key): [string, string][] => [['Idempotency-Key', key]]),
  fc.constant([['Idempotency-Key', 'a\r\nX-Injected: yes']] as [string, string][]),
  fc.constant([['X-Request-Id', 'r\r\n\r\nGET /api/health HTTP/1.1']] as [string, string][]),
  fc.constant([['X-Request-Id', `${'r'.repeat(100)}<script>`]] as [string, string][]),
  fc.constant([['traceparent', '00-zzzz-yyyy-01'], ['tracestate', '='.repeat(600)], ['baggage', 'k=' + 'v'.repeat(9_000)]] as [string, string][]),
  fc.constant([['Authorization', `Bearer ${'t'.repeat(4_000)}`]] as [string, string][]),
  fc.constant([['Authorization', 'Basic Og==']] as [string, string][]),
  fc.constant([['Content-Encoding', 'gzip']] as [string, string][]),
  fc.constant([['Content-Encoding', 'br, zstd, snappy']] as [string, string][]),
  fc.constant([['Accept', 'text/html'], ['Accept-Encoding', 'gzip;q=2, *;q=-1']] as [string, string][]),
  fc.constant([['X-Forwarded-For', '127.0.0.1, ::1, ' + '1.1.1.1, '.repeat(200)]] as [string, string][]),
);

interface Case {
  readonly request: Hostile;
  readonly label: string;
}

const framing = fc.constantFrom('plain', 'plain', 'plain', 'plain', 'duplicate-length', 'chunked-and-length', 'short-length');

const framed = (body: Buffer | null, frame: string): { headers: [string, string][]; ownFraming: boolean } => {
  if (body === null || frame === 'plain') return { headers: [], ownFraming: false };
  if (frame === 'duplicate-length') return { headers: [['Content-Length', String(body.length)], ['Content-Length', String(body.length + 1)]], ownFraming: true };
  if (frame === 'chunked-and-length') return { headers: [['Transfer-Encoding', 'chunked'], ['Content-Length', String(body.length)]], ownFraming: true };
  return { headers: [['Content-Length', String(Math.max(0, body.length - 3))]], ownFraming: true };
};
const describeCase = (method: string, target: string, type: string, body: Buffer | null, frame: string, extra: readonly (readonly [string, string])[]) =>
  `${method} ${target.slice(0, 120)} [${type}] body=${body === null ? 'none' : `${String(body.length)}B ${body.subarray(0, 60).toString('latin1')}`} framing=${frame} headers=${extra.map(([n, v]) => `${n}:${v.slice(0, 30)}`).join(',')}`;

/** Anything on any route: odd methods, paths, queries, headers, framing, with or without a body. */
const anyRequest: fc.Arbitrary<Case> = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    oddMethod: fc.option(fc.constantFrom(...ODD_METHODS), { freq: 3 }),
    id: segment,
    query,
    body: fc.option(bodies, { freq: 4 }),
    type: contentType,
    abuse: headerAbuse,
    framing,
  })
  .map(({ route, oddMethod, id, query: q, body, type, abuse, framing: frame }) => {
    const method = oddMethod ?? route[0];
    const target = route[1](id) + q;
    const framing = framed(body, frame);
    const headers: [string, string][] = [...abuse, ...(type === '' ? [] : [['Content-Type', type] as [string, string]]), ...framing.headers];
    return { request: { method, target, headers, body: body ?? undefined, ownFraming: framing.ownFraming }, label: describeCase(method, target, type, body, frame, abuse) };
  });

/**
 * A hostile body where bodies are taken and forwarded (a checkout, the admin stock route with its
 * token, the chaos API with its token, aimed at a service that does not exist so no fault can land),
 * mostly as well-framed JSON so it gets past the framing and reaches the parsers and the services.
 */
const BODY_ROUTES: readonly (readonly [string, string, readonly (readonly [string, string])[]])[] = [
  ['POST', '/api/orders', []],
  ['POST', '/api/orders', [['Idempotency-Key', 'adversarial-fixed-key']]],
  ['PUT', '/api/admin/stock/p-001', [['Authorization', `Bearer ${ADMIN}`]]],
  ['POST', '/api/chaos/nowhere/faults', [['Authorization', `Bearer ${CHAOS}`]]],
];
const bodyAttack: fc.Arbitrary<Case> = fc
  .record({
    route: fc.constantFrom(...BODY_ROUTES),
    body: bodies,
    type: fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: contentType }),
    abuse: fc.oneof({ weight: 8, arbitrary: fc.constant([] as [string, string][]) }, { weight: 2, arbitrary: headerAbuse }),
  })
  .map(({ route: [method, target, auth], body, type, abuse }) => {
    const extra = [...auth, ...abuse];
    const headers: [string, string][] = [...extra.map(([n, v]): [string, string] => [n, v]), ...(type === '' ? [] : [['Content-Type', type] as [string, string]])];
    return { request: { method, target, headers, body }, label: describeCase(method, target, type, body, 'plain', extra) };
  });

// a counterexample prints as its one-line label, not as a 60 KB buffer
const hostileCase: fc.Arbitrary<Case> = fc
  .oneof({ weight: 1, arbitrary: anyRequest }, { weight: 1, arbitrary: bodyAttack })
  .map((hostile) => Object.assign(hostile, { [fc.toStringMethod]: () => hostile.label }));

// ---------------------------------------------------------------------------------------------
// what an answer must never be

/** Text that only an exception or the server's internals could have put in a body. */
const INTERNAL = [/\bat [\w$.<>]+ \(/, /\bat .+:\d+:\d+/, /(Range|Type|Syntax|Reference)Error/, /Maximum call stack/, /node_modules/, /\/work\/|\/home\/|\/usr\//, /\.(ts|js|mjs|cjs):\d/, /\bE(CONN\w+|PIPE|TIMEDOUT)\b/, /\bHPE_/];

function checkAnswer(hostile: Case, answer: Answer): void {
  const where = hostile.label;
  // a deliberate shed is the only 5xx a client may cause
  if (answer.status >= 500) {
    expect.soft(answer.status, `${where}: ${String(answer.status)} ${answer.body.slice(0, 300)}`).toBe(503);
    expect(answer.body, where).toContain('"code":"overloaded"');
  }
  if (answer.status === 0) {
    // only a CONNECT may be dropped without an answer (nothing listens for tunnels)
    expect(hostile.request.method, `${where}: connection closed without an answer`).toBe('CONNECT');
    return;
  }
  if (/^\/api\/catalog\/(metrics|chaos)/.test(hostile.request.target)) expect(answer.status, `${where}: an operations route answered`).not.toBe(200);
  if (answer.status < 400 || hostile.request.method === 'HEAD') return;
  expect(answer.headers['content-type'] ?? '', `${where}: ${String(answer.status)} without a JSON body`).toMatch(/^application\/json/);
  const parsed = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
  expect(typeof parsed.error?.code, `${where}: ${answer.body.slice(0, 300)}`).toBe('string');
  // the 404 names the method and path the client sent; everything else is checked for internals
  const message = typeof parsed.error?.message === 'string' ? parsed.error.message : '';
  const text = parsed.error?.code === 'not_found' && message.startsWith('No route for ') ? JSON.stringify({ ...parsed.error, message: '' }) : answer.body;
  for (const pattern of INTERNAL) expect(text, `${where}: internal text ${String(pattern)} in ${answer.body.slice(0, 300)}`).not.toMatch(pattern);
}

/** The gateway's HTTP series: route and method label values, and how many series in all. */
async function series(base: string): Promise<{ total: number; routes: Set<string>; methods: Set<string>; statuses: Set<string> }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const lines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  const routes = new Set<string>();
  const methods = new Set<string>();
  const statuses = new Set<string>();
  for (const line of lines) {
    if (!line.startsWith('http_server_request_duration_seconds_count')) continue;
    const route = /route="([^"]*)"/.exec(line)?.[1];
    const method = /method="([^"]*)"/.exec(line)?.[1];
    if (route !== undefined) routes.add(route);
    if (method !== undefined) methods.add(method);
    const status = /status_code="([^"]*)"/.exec(line)?.[1];
    if (status !== undefined) statuses.add(status);
  }
  return { total: lines.length, routes, methods, statuses };
}

function redis(db: number, ...args: string[]): void {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-n', String(db), ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`redis-cli failed (is Redis running? scripts/engines.sh starts it): ${result.stderr}`);
}

describe.each(MODES)('the shop as $mode, attacked', ({ mode, basePort, redisDb, vhost, databases }) => {
  let receiver: OtlpReceiver;
  let stack: RunningStack;

  beforeAll(async () => {
    process.stdout.write(`adversarial suite (${mode}): seed ${String(SEED)} (replay with ADVERSARIAL_SEED=${String(SEED)})\n`);
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
      commonEnv: { CHAOS_ENABLED: 'true', CHAOS_TOKEN: CHAOS, ADMIN_TOKEN: ADMIN, OTEL_TRACES_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
      env: {
        gateway: { RATE_LIMIT_PER_MINUTE: '1000000' },
        inventory: { INVENTORY_SEED_STOCK: '100000' },
        payments: { PAYMENTS_DECLINE_RATE: '0', PAYMENTS_LATENCY_MEDIAN_MS: '5' },
        loadgen: { LOADGEN_RATE: '0' },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
    await receiver.close();
  });

  const statuses = new Map<number, number>();
  const checkout = async (label: string) => {
    const res = await fetch(`${stack.urls.gateway}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `adv-${randomUUID()}` },
      body: CHECKOUT('1', '"p-002"'),
    });
    expect(res.status, `valid checkout ${label}: ${await res.clone().text()}`).toBe(201);
  };

  it('answers every generated hostile request without a 5xx or internal text, checkouts keep working, circuits stay closed and metric series stay bounded', async () => {
    const gateway = stack.urls.gateway;
    await checkout('before');
    const paths = new Set<string>();
    const attack = async (seed: number) => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(hostileCase, async (hostile) => {
          n += 1;
          paths.add(`${hostile.request.method} ${hostile.request.target}`);
          const answer = await send(gateway, hostile.request);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          checkAnswer(hostile, answer);
          if (n % 25 === 0) await checkout(`after ${String(n)} hostile requests`);
        }),
        { seed, numRuns: RUNS, endOnFailure: true },
      );
    };

    await attack(SEED);
    const half = await series(gateway);
    const pathsAtHalf = paths.size;
    await attack(SEED + 1);
    const after = await series(gateway);

    // all circuits closed, everywhere (the chaos status lists each process's circuits)
    const status = (await (await fetch(`${gateway}/api/chaos`, { headers: { authorization: `Bearer ${CHAOS}` } })).json()) as { services: Record<string, { circuits?: Record<string, string> }> };
    const circuits = Object.entries(status.services).flatMap(([service, s]) => Object.entries(s.circuits ?? {}).map(([dependency, state]) => `${service}->${dependency}: ${state}`));
    expect(circuits.length).toBeGreaterThan(0);
    expect(circuits.filter((c) => !c.endsWith(': closed'))).toEqual([]);
    expect((await fetch(`${gateway}/api/health`)).status).toBe(200);
    await checkout('at the end');

    // label values are templates, not what the attacker sent: the second half of the attack, with
    // another hundred and more distinct paths, added no route or method label value of its own
    expect(paths.size - pathsAtHalf).toBeGreaterThan(50);
    for (const route of after.routes) expect(route, 'a route label that is not a template').toMatch(/^(unmatched|\/[\w/:.*|-]*)$/);
    expect(after.routes.size).toBeLessThanOrEqual(30);
    expect([...after.methods].filter((m) => !['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY', 'CONNECT', '_OTHER'].includes(m))).toEqual([]);
    for (const status of after.statuses) expect(status).toMatch(/^(\d{3}|aborted)$/);
    // each label set is a histogram (17 lines); what is left to grow is method x route x status
    expect(after.total).toBeLessThan(3_000);
    process.stdout.write(
      `adversarial suite (${mode}): ${String(paths.size)} distinct method+path; answers by status ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}; metric lines ${String(half.total)} at half time, ${String(after.total)} at the end; ${String(after.routes.size)} route labels\n`,
    );
  }, 240_000);
});
