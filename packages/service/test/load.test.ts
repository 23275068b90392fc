/**
 * Load shedding and health that mean something: 503 + Retry-After while overloaded (counted), not
 * ready meanwhile, back to normal when the load drops; not live after the event loop was stuck.
 */
import { PassThrough } from 'node:stream';
import { LABEL_REASON, Lifecycle, METRIC_HTTP_SHED, createLogger, getMetrics, serviceCounter } from '@kit/telemetry';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLoadGuard, createServiceApp } from '../src/index';

const busyFor = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the event loop is busy on purpose
  }
};
const shedCount = async (reason: string) => (await serviceCounter(METRIC_HTTP_SHED, '', [LABEL_REASON]).get()).values.find((v) => v.labels[LABEL_REASON] === reason)?.value ?? 0;

function appWith(limits: Parameters<typeof createServiceApp>[0]['load']) {
  const lifecycle = new Lifecycle();
  lifecycle.markStarted();
  const routes = express.Router();
  routes.get('/work', (_req, res) => {
    res.json({ done: true });
  });
  return createServiceApp({ lifecycle, logger: createLogger({ destination: new PassThrough().resume() }), routes, ...(limits === undefined ? {} : { load: limits }) });
}

describe('load shedding', () => {
  it('sheds with 503 and Retry-After while too many requests are in flight, reports not ready, and recovers', async () => {
    // the in-flight count the HTTP instrumentation keeps (not installed in this test, so set by hand)
    const inFlight = getMetrics().inFlight;
    inFlight.count = 5;
    const app = appWith({ maxInFlight: 10 });
    await request(app).get('/work').expect(200);
    const before = await shedCount('in_flight');
    inFlight.count = 11;
    const shed = await request(app).get('/work').expect(503);
    expect(shed.headers['retry-after']).toBe('1');
    expect(shed.body.error.code).toBe('overloaded');
    expect(await shedCount('in_flight')).toBe(before + 1);
    const ready = await request(app).get('/readyz').expect(503);
    expect(ready.body.checks).toMatchObject({ load: 'failing' });
    // probes and metrics are never shed
    await request(app).get('/livez').expect(200);
    await request(app).get('/metrics').expect(200);
    inFlight.count = 0;
    await request(app).get('/work').expect(200);
    await request(app).get('/readyz').expect(200);
  });

  it('sheds once the event loop was busier than the limit two seconds in a row, not after a one-second burst', async () => {
    const guard = createLoadGuard({ lifecycle: new Lifecycle(), limits: { maxEventLoopUtilization: 0.5 }, inFlight: () => 0 });
    busyFor(1_100);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(guard.overloaded()).toBeUndefined();
    busyFor(1_100);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(guard.overloaded()).toBe('event_loop');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(guard.overloaded()).toBeUndefined();
    guard.close();
  });
});

describe('liveness', () => {
  it('reports not live once the event loop was stuck longer than the limit', async () => {
    const app = appWith({ maxEventLoopDelayMs: 150 });
    await request(app).get('/livez').expect(200);
    // the delay monitor measures from its first tick on
    await new Promise((resolve) => setTimeout(resolve, 100));
    busyFor(400);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const stuck = await request(app).get('/livez').expect(503);
    expect(stuck.body).toMatchObject({ status: 'not_live', reason: expect.stringMatching(/^event loop stuck for \d+ ms$/) as string });
  });
});
