import { PassThrough } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { Router } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { DEFAULT_JSON_LIMITS, checkJsonShape } from '../src/json-body';
import { createServiceApp } from '../src/server';

/** A service app whose one route echoes what the parser produced. */
function app() {
  const routes = Router();
  routes.post('/echo', (req, res) => {
    res.json({ body: req.body as unknown });
  });
  routes.post('/no-body', (req, res) => {
    res.json({ body: req.body === undefined ? 'none' : 'some' });
  });
  return createServiceApp({ lifecycle: new Lifecycle(), logger: createLogger({ destination: new PassThrough().resume(), exportOtlp: false }), routes });
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const checkout = {
  customerEmail: 'ada@example.com',
  items: Array.from({ length: 20 }, (_, i) => ({ productId: `p-${String(i).padStart(3, '0')}`, quantity: 2 })),
  card: { token: 'tok_visa' },
};

// raw bytes as given (superagent would JSON-encode a Buffer sent as application/json)
const post = (body: string | Buffer, type = 'application/json') => request(app()).post('/echo').set('content-type', type).serialize((data: unknown) => data as string).send(body);

describe('the JSON body parser', () => {
  it('passes valid traffic: a checkout of 20 lines, unicode text, nesting up to the limit', async () => {
    await post(JSON.stringify(checkout)).expect(200, { body: checkout });
    await post(JSON.stringify({ name: 'Grüße, 世界 🚀', note: 'a "quoted" \\ back\\slash' })).expect(200);
    await post(nested(DEFAULT_JSON_LIMITS.depth)).expect(200);
  });

  it('refuses a body nested 10,000 levels deep (20 KB) with a 400 naming the limit', async () => {
    const res = await post(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`.slice(0, 20_000)).expect(400);
    expect(res.body).toEqual({ error: { code: 'body_too_deep', message: 'JSON nesting deeper than 32 levels' } });
    await post(nested(DEFAULT_JSON_LIMITS.depth + 1)).expect(400);
  });

  it('refuses long strings, long arrays and objects with too many keys, even when they are keys or nested', async () => {
    const cases: [string, string][] = [
      [JSON.stringify({ a: 'x'.repeat(DEFAULT_JSON_LIMITS.stringBytes + 1) }), 'body_string_too_long'],
      [JSON.stringify({ ['k'.repeat(DEFAULT_JSON_LIMITS.stringBytes + 1)]: 1 }), 'body_string_too_long'],
      [JSON.stringify({ list: Array.from({ length: DEFAULT_JSON_LIMITS.arrayLength + 1 }, () => 0) }), 'body_array_too_long'],
      [JSON.stringify({ deep: { wide: Object.fromEntries(Array.from({ length: DEFAULT_JSON_LIMITS.objectKeys + 1 }, (_, i) => [`k${String(i)}`, 0])) } }), 'body_too_many_keys'],
    ];
    for (const [body, code] of cases) {
      const res = await post(body).expect(400);
      expect(res.body).toMatchObject({ error: { code } });
    }
    // at the limits exactly: accepted
    await post(JSON.stringify({ list: Array.from({ length: DEFAULT_JSON_LIMITS.arrayLength }, () => 0), s: 'x'.repeat(DEFAULT_JSON_LIMITS.stringBytes) })).expect(200);
    // escapes and commas inside strings are not structure
    await post(JSON.stringify({ s: ',[{'.repeat(1_000) })).expect(200);
  });

  it('answers 413 for a body over the size limit', async () => {
    const res = await post(JSON.stringify({ a: Array.from({ length: 900 }, () => 'x'.repeat(40)) })).expect(413);
    expect(res.body).toEqual({ error: { code: 'body_too_large', message: 'request body larger than 32kb' } });
  });

  it('answers invalid JSON, invalid UTF-8 and scalars with a fixed 400, never the parser\'s text', async () => {
    const invalid = await post('{"a": nope}').expect(400);
    expect(invalid.body).toEqual({ error: { code: 'invalid_json', message: 'request body is not valid JSON (an object or an array)' } });
    await post('"just a string"').expect(400);
    const utf8 = await post(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])).expect(400);
    expect(utf8.body).toEqual({ error: { code: 'invalid_utf8', message: 'request body is not valid UTF-8' } });
  });

  it('answers 415 for a body that is not JSON, or JSON in another charset', async () => {
    const text = await post('hello', 'text/plain').expect(415);
    expect(text.body).toEqual({ error: { code: 'unsupported_media_type', message: 'request body must be application/json' } });
    await post('a=1', 'application/x-www-form-urlencoded').expect(415);
    await post('{}', 'application/json; charset=latin1').expect(415);
    await post('{}', 'application/json; charset=utf-8').expect(200);
    await post('{}', 'application/merge-patch+json').expect(200);
  });

  it('leaves requests without a body alone', async () => {
    await request(app()).post('/no-body').expect(200, { body: 'none' });
  });

  it('scans a typical body in microseconds, and a 1 MB one in linear time', () => {
    const body = Buffer.from(JSON.stringify(checkout));
    const started = performance.now();
    for (let i = 0; i < 10_000; i += 1) checkJsonShape(body, DEFAULT_JSON_LIMITS);
    const perScanMs = (performance.now() - started) / 10_000;
    const big = Buffer.from(JSON.stringify(Array.from({ length: 20 }, () => Array.from({ length: 900 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'))));
    const bigStarted = performance.now();
    checkJsonShape(big, { ...DEFAULT_JSON_LIMITS, arrayLength: 1_000 });
    const bigMs = performance.now() - bigStarted;

    // generous bounds for a busy CI machine: typically ~2 µs and ~3 ms
    expect(perScanMs).toBeLessThan(0.2);
    expect(bigMs).toBeLessThan(200);
  });
});
