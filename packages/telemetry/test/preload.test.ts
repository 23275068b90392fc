/**
 * The preload as users run it: `node --require @kit/telemetry/register`, two processes, real OTLP
 * export (http/json, so the test can read it) to a receiver, then SIGTERM. Vitest cannot check the
 * stock instrumentations' patching in-process, so this is where outbound spans and propagation are
 * proven.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: OtlpAttribute[];
}
interface OtlpLog {
  traceId?: string;
  spanId?: string;
  body?: { stringValue?: string };
}
interface Received {
  service: string;
  resource: OtlpAttribute[];
  spans: OtlpSpan[];
  logs: OtlpLog[];
}

const received: Received[] = [];
const sink = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const payload = JSON.parse(body) as {
      resourceSpans?: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
      resourceLogs?: { resource: { attributes: OtlpAttribute[] }; scopeLogs: { logRecords: OtlpLog[] }[] }[];
    };
    const serviceOf = (attributes: OtlpAttribute[]) =>
      attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? 'unknown';
    for (const rs of payload.resourceSpans ?? []) {
      received.push({ service: serviceOf(rs.resource.attributes), resource: rs.resource.attributes, spans: rs.scopeSpans.flatMap((s) => s.spans), logs: [] });
    }
    for (const rl of payload.resourceLogs ?? []) {
      received.push({ service: serviceOf(rl.resource.attributes), resource: rl.resource.attributes, spans: [], logs: rl.scopeLogs.flatMap((s) => s.logRecords) });
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
  });
});

const fixture = path.join(__dirname, 'fixtures', 'service.cjs');
const preload = require.resolve('@kit/telemetry/register');
const children: ChildProcess[] = [];
const exits: Promise<number | null>[] = [];

async function startService(role: string, extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const child = spawn(process.execPath, ['--require', preload, fixture], {
    env: {
      PATH: process.env.PATH,
      ROLE: role,
      OTEL_SERVICE_NAME: `smoke-${role}`,
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
      OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // nothing is exported on a timer: only the shutdown flush can deliver the data
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      OTEL_BLRP_SCHEDULE_DELAY: '600000',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  exits.push(new Promise((resolve) => child.once('exit', (code) => resolve(code))));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const record = JSON.parse(line) as { message?: string; port?: number };
      if (record.message === 'listening' && record.port !== undefined) resolve(record.port);
    });
    child.once('exit', (code) => reject(new Error(`${role} exited early with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
let checkoutBody: unknown;
let openMetrics = '';
let exitCodes: (number | null)[] = [];

beforeAll(async () => {
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const back = await startService('back');
  const front = await startService('front', { DOWNSTREAM: back.url });
  const res = await fetch(`${front.url}/checkout`, { headers: { traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01` } });
  checkoutBody = await res.json();
  openMetrics = await (await fetch(`${front.url}/metrics`, { headers: { Accept: 'application/openmetrics-text' } })).text();
  for (const child of children) child.kill('SIGTERM');
  exitCodes = await Promise.all(exits);
}, 30_000);

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  sink.close();
});

const spansOf = (service: string) => received.filter((r) => r.service === service).flatMap((r) => r.spans);
const logsOf = (service: string) => received.filter((r) => r.service === service).flatMap((r) => r.logs);

describe('a service started with --require @kit/telemetry/register', () => {
  it('exits 0 on SIGTERM after flushing the spans and logs it still buffered', () => {
    expect(exitCodes).toEqual([0, 0]);
    expect(spansOf('smoke-front').length).toBeGreaterThan(0);
    expect(logsOf('smoke-back').length).toBeGreaterThan(0);
  });

  it('continues the caller\'s trace across both services, through node:http and fetch', () => {
    const front = spansOf('smoke-front');
    const back = spansOf('smoke-back');
    const entry = front.find((s) => s.name === 'GET /checkout');
    const clients = front.filter((s) => s.kind === 3);
    const charges = back.filter((s) => s.name === 'GET /charge');

    expect(entry?.traceId).toBe(TRACE_ID);
    expect(entry?.parentSpanId).toBe('b7ad6b7169203331');
    expect(clients).toHaveLength(2);
    expect(charges).toHaveLength(2);
    for (const span of [...clients, ...charges]) expect(span.traceId).toBe(TRACE_ID);
    for (const client of clients) expect(client.parentSpanId).toBe(entry?.spanId);
    expect(charges.map((s) => s.parentSpanId).sort()).toEqual(clients.map((s) => s.spanId).sort());
    expect(JSON.stringify(checkoutBody)).toContain(TRACE_ID);
  });

  it('exports log records with the trace and span of the request that wrote them', () => {
    const charged = logsOf('smoke-back').filter((l) => l.body?.stringValue === 'charged');
    const backSpanIds = spansOf('smoke-back').map((s) => s.spanId);

    expect(charged).toHaveLength(2);
    for (const log of charged) {
      expect(log.traceId).toBe(TRACE_ID);
      expect(backSpanIds).toContain(log.spanId);
    }
  });

  it('traces no scrape or health request, and serves exemplars to an OpenMetrics scraper', () => {
    expect(spansOf('smoke-front').some((s) => s.name.includes('metrics'))).toBe(false);
    expect(openMetrics).toMatch(new RegExp(`http_server_request_duration_seconds_bucket\\{[^}]*route="/checkout"[^}]*\\} \\d+ # \\{trace_id="${TRACE_ID}"`));
    expect(openMetrics).toMatch(new RegExp(`http_client_request_duration_seconds_bucket\\{[^}]*\\} \\d+ # \\{trace_id="${TRACE_ID}"`));
  });

  it('takes identity from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES', () => {
    expect(new Set(received.map((r) => r.service))).toEqual(new Set(['smoke-front', 'smoke-back']));
    for (const { resource } of received) {
      expect(resource).toContainEqual({ key: 'deployment.environment.name', value: { stringValue: 'test' } });
      expect(resource.map((a) => a.key)).toContain('service.instance.id');
    }
  });
});
