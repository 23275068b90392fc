import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../src/errors';
import { errorHandler, notFound, requestLogger } from '../src/express';
import { createLogger } from '../src/logger';
import { getMetrics } from '../src/metrics';
import { startTelemetry } from '../src/sdk';
import type { TelemetryHandle } from '../src/state';
import { captureLines } from './helpers';

const spans = new InMemorySpanExporter();
const logRecords = new InMemoryLogRecordExporter();
const output = captureLines();
let telemetry: TelemetryHandle;
let logger: ReturnType<typeof createLogger>;

beforeAll(() => {
  const handle = startTelemetry(
    { OTEL_SERVICE_NAME: 'checkout-test' },
    {
      spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
      logRecordProcessors: [new SimpleLogRecordProcessor({ exporter: logRecords })],
    },
  );
  if (handle === undefined) throw new Error('telemetry did not start');
  telemetry = handle;
  logger = createLogger({ destination: output.stream, level: 'http' });
});
afterAll(() => telemetry.shutdown());
beforeEach(() => {
  spans.reset();
  logRecords.reset();
});

function serviceApp(downstreamPort?: number) {
  const app = express();
  app.use(requestLogger(logger));
  app.use(express.json());
  app.get('/products/:id', (req, res) => {
    logger.info('product viewed', { product_id: req.params.id });
    res.json({ id: req.params.id });
  });
  app.post('/orders', async (req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    logger.info('order accepted', { items: (req.body as { items?: unknown[] }).items?.length ?? 0 });
    res.status(201).json({ ok: true });
  });
  app.get('/boom', () => {
    throw new TypeError('stock table missing');
  });
  app.get('/teapot', () => {
    throw new AppError(418, 'teapot', 'I am a teapot');
  });
  app.get('/checkout', async (_req, res) => {
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: downstreamPort, path: '/charge' }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    res.json(JSON.parse(body));
  });
  app.use(notFound());
  app.use(errorHandler(logger));
  return app;
}

/** Spans exported so far; flushes first, since export waits for async resource attributes. */
async function finishedSpans(): Promise<ReadableSpan[]> {
  await telemetry.forceFlush();
  return spans.getFinishedSpans();
}

async function serverSpans(): Promise<ReadableSpan[]> {
  return (await finishedSpans()).filter((span) => span.kind === SpanKind.SERVER);
}

describe('server spans', () => {
  it('names the span after the route and sets the stable HTTP attributes', async () => {
    await request(serviceApp()).get('/products/123?color=red').set('User-Agent', 'kit-test').expect(200);

    const [span] = await serverSpans();
    expect(span?.name).toBe('GET /products/:id');
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/products/:id',
      'http.response.status_code': 200,
      'url.path': '/products/123',
      'url.scheme': 'http',
      'user_agent.original': 'kit-test',
    });
    expect(span?.resource.attributes['service.name']).toBe('checkout-test');
  });

  it('continues the trace named in an incoming traceparent header', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await request(serviceApp())
      .get('/products/1')
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .expect(200);

    const [span] = await serverSpans();
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('makes no span for health checks and scrapes', async () => {
    const app = serviceApp();
    app.get('/livez', (_req, res) => res.json({ ok: true }));
    await request(app).get('/livez');

    expect(await serverSpans()).toEqual([]);
  });

  it('measures outbound calls with the calling request\'s trace as exemplar', async () => {
    // Client spans and traceparent injection come from the stock http instrumentation, which can
    // only patch modules loaded after the preload: the smoke test checks them under `node --require`.
    const downstream = express();
    downstream.get('/charge', (_req, res) => {
      res.json({ charged: true });
    });
    const server = downstream.listen(0);
    const { port } = server.address() as { port: number };

    await request(serviceApp(port)).get('/checkout').expect(200, { charged: true });
    server.close();

    const entry = (await finishedSpans()).find((span) => span.name === 'GET /checkout');
    const traceId = entry?.spanContext().traceId ?? 'missing';
    const open = await getMetrics().render(true);
    const line = open
      .split('\n')
      .find((l) => l.startsWith('http_client_request_duration_seconds_bucket') && l.includes(`trace_id="${traceId}"`));
    expect(line).toContain('method="GET",server_address="127.0.0.1",status_code="200"');
  });
});

describe('outbound call metrics', () => {
  it('leave out calls made with tracing suppressed (the SDK\'s own exports)', async () => {
    const ok = (host: string) =>
      new Promise<http.Server>((resolve) => {
        const server = http.createServer((_req, res) => res.end('{}'));
        server.listen(0, host, () => resolve(server));
      });
    const [own, app] = await Promise.all([ok('127.0.0.3'), ok('127.0.0.4')]);
    const call = (server: http.Server) =>
      fetch(`http://${(server.address() as AddressInfo).address}:${String((server.address() as AddressInfo).port)}/`).then((res) => res.text());
    await context.with(suppressTracing(context.active()), () => call(own));
    await call(app);
    own.close();
    app.close();

    const text = await getMetrics().render(false);
    expect(text).toMatch(/^http_client_request_duration_seconds_count\{[^}]*server_address="127\.0\.0\.4"[^}]*\} 1$/m);
    expect(text).not.toContain('server_address="127.0.0.3"');
  });
});

describe('exemplars', () => {
  it('carry the trace id of the request span', async () => {
    await request(serviceApp()).get('/products/exemplar').expect(200);
    const [span] = await serverSpans();
    const traceId = span?.spanContext().traceId ?? 'missing';

    const open = await getMetrics().render(true);

    const bucketLines = open.split('\n').filter((l) => l.startsWith('http_server_request_duration_seconds_bucket'));
    expect(bucketLines.some((l) => l.includes(`# {trace_id="${traceId}",span_id="${span?.spanContext().spanId}"}`))).toBe(true);
    const text = await getMetrics().render(false);
    expect(text).not.toContain(traceId);
  });
});

describe('log correlation', () => {
  it('gives a log written inside a request that request\'s trace id, on stdout and over OTLP', async () => {
    await request(serviceApp()).get('/products/7').expect(200);
    const [span] = await serverSpans();
    const traceId = span?.spanContext().traceId;

    const line = output.lines().find((l) => l.message === 'product viewed' && l.product_id === '7');
    const record = logRecords.getFinishedLogRecords().find((r) => r.body === 'product viewed');

    expect(line).toMatchObject({ trace_id: traceId, span_id: span?.spanContext().spanId, trace_flags: '01', 'service.name': 'checkout-test', level: 'info' });
    expect(record?.spanContext?.traceId).toBe(traceId);
    expect(record?.attributes).toMatchObject({ product_id: '7' });
    expect(record?.attributes).not.toHaveProperty('trace_id');
  });

  it('keeps the trace id after the JSON body is parsed and the handler awaits', async () => {
    await request(serviceApp()).post('/orders').send({ items: [1, 2] }).expect(201);
    const [span] = await serverSpans();

    const line = output.lines().find((l) => l.message === 'order accepted');

    expect(line?.trace_id).toBe(span?.spanContext().traceId);
  });

  it('logs the finished request in its own trace', async () => {
    await request(serviceApp()).get('/products/9').expect(200);
    const [span] = await serverSpans();

    const line = output.lines().find((l) => l.message === 'request completed' && l.trace_id === span?.spanContext().traceId);

    expect(line).toMatchObject({ level: 'http', 'http.route': '/products/:id', 'http.response.status_code': 200 });
  });
});

describe('the error middleware', () => {
  it('records a thrown error on the span and answers JSON without a stack', async () => {
    const res = await request(serviceApp()).get('/boom').expect(500);

    const [span] = await serverSpans();
    expect(res.body).toEqual({ error: { code: 'internal', message: 'Internal server error', requestId: expect.stringMatching(/^[0-9a-f]{32}$/) as string } });
    expect(JSON.stringify(res.body)).not.toContain('stock table');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('TypeError');
    expect(span?.events.map((e) => e.name)).toContain('exception');
    const line = output.lines().find((l) => l.message === 'stock table missing');
    expect(line).toMatchObject({ level: 'error', trace_id: span?.spanContext().traceId });
  });

  it('answers malformed JSON with a 400 and leaves the span unset', async () => {
    const res = await request(serviceApp()).post('/orders').set('Content-Type', 'application/json').send('{"items": [').expect(400);

    const [span] = await serverSpans();
    expect(res.body.error.code).toBe('entity_parse_failed');
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.attributes['http.response.status_code']).toBe(400);
  });

  it('passes an AppError status and message through', async () => {
    const res = await request(serviceApp()).get('/teapot').expect(418);

    // the request id a client can quote: here the trace id (no gateway in front to set x-request-id)
    expect(res.body).toEqual({ error: { code: 'teapot', message: 'I am a teapot', requestId: expect.stringMatching(/^[0-9a-f]{32}$/) as string } });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await request(serviceApp()).delete('/nowhere').expect(404);

    expect(res.body).toEqual({ error: { code: 'not_found', message: 'No route for DELETE /nowhere' } });
  });
});

describe('shutdown', () => {
  it('is exposed by the preload handle and flushes spans still buffered', async () => {
    // a span ended just before shutdown must reach the exporter
    const span = trace.getTracer('test').startSpan('last words');
    span.end();
    expect((await finishedSpans()).map((s) => s.name)).toContain('last words');
  });
});
