import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createRuntimeConfig } from '@kit/service';
import { Lifecycle, createLogger, getMetrics } from '@kit/telemetry';
import express from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { createGenerator, settingsSchema } from '../src/generator';
import { JOURNEYS, chooseJourney } from '../src/journeys';

const hits: string[] = [];
let gateway: Server;
let gatewayUrl: string;

beforeAll(async () => {
  const app = express();
  app.use(express.json());
  app.get('/api/catalog/products', (req, res) => {
    hits.push(req.query.q === undefined ? 'list' : 'search');
    res.json({ items: [] });
  });
  app.get('/api/catalog/products/:id', (_req, res) => {
    hits.push('product');
    res.json({});
  });
  app.get('/api/catalog/products/:id/recommendations', (_req, res) => {
    hits.push('recommendations');
    res.status(503).json({});
  });
  app.post('/api/orders', (req, res) => {
    hits.push('order');
    const token = (req.body as { card: { token: string } }).card.token;
    res.status(token === 'tok_declined' ? 402 : 201).json({});
  });
  await new Promise<void>((resolve) => {
    gateway = app.listen(0, '127.0.0.1', () => resolve());
  });
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});
afterAll(() => gateway.close());

const logger = () => createLogger({ destination: new PassThrough().resume() });

describe('the load generator', () => {
  it('starts journeys at the configured rate, changes rate over HTTP, and reports client-side results', async () => {
    const control = createRuntimeConfig({ schema: settingsSchema, initial: { journeysPerSecond: 40, checkoutShare: 0.5 }, logger: logger() });
    const generator = createGenerator({ gatewayUrl, random: Math.random, timeoutMs: 1_000, maxInFlight: 100, settings: () => control.get() });
    const lifecycle = new Lifecycle();
    lifecycle.markStarted();
    const app = createApp({ lifecycle, logger: logger(), control, inFlight: generator.inFlight });

    generator.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const atForty = hits.length;
    await request(app).put('/control').send({ journeysPerSecond: 0 }).expect(200);
    // the journeys already started finish; no new one starts
    await expect.poll(() => generator.inFlight(), { timeout: 10_000, message: 'journeys still in flight after the rate went to 0' }).toBe(0);
    const stopped = hits.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await generator.stop();
    const text = await getMetrics().render(false);

    // about 40 journeys of one or two requests each in the first second
    expect(atForty).toBeGreaterThan(35);
    expect(atForty).toBeLessThan(120);
    expect(hits.length).toBe(stopped);
    expect(new Set(hits)).toEqual(new Set(['list', 'search', 'product', 'recommendations', 'order']));
    // recommendations answer 503 in this stand-in: views fail, a declined card does not fail a checkout
    expect(text).toMatch(/kit_loadgen_journeys_total\{journey="view",result="failed"\} [1-9]/);
    expect(text).not.toMatch(/kit_loadgen_journeys_total\{journey="checkout",result="failed"\}/);
    expect(text).toMatch(/kit_loadgen_request_duration_seconds_count\{step="order",result="ok"\} [1-9]/);
  });

  it('rejects nonsense settings with a 400 and keeps running as before', async () => {
    const control = createRuntimeConfig({ schema: settingsSchema, initial: { journeysPerSecond: 5, checkoutShare: 0.1 }, logger: logger() });
    const lifecycle = new Lifecycle();
    const app = createApp({ lifecycle, logger: logger(), control, inFlight: () => 0 });

    const res = await request(app).put('/control').send({ journeysPerSecond: -3 }).expect(400);
    const read = await request(app).get('/control').expect(200);

    expect(res.body.error.message).toMatch(/^journeysPerSecond: /);
    expect(read.body).toMatchObject({ journeysPerSecond: 5, checkoutShare: 0.1, version: 1 });
  });

  it('mixes journeys: mostly browsing, the configured share checking out', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647);
    const counts = Object.fromEntries(JOURNEYS.map((j) => [j, 0])) as Record<string, number>;
    for (let i = 0; i < 10_000; i += 1) {
      const journey = chooseJourney(random, 0.1);
      counts[journey] = (counts[journey] ?? 0) + 1;
    }

    expect(counts.checkout).toBeGreaterThan(700);
    expect(counts.checkout).toBeLessThan(1_300);
    expect(counts.browse).toBeGreaterThan(counts.search ?? 0);
  });
});

describe('random input', () => {
  it('never answers a random /control body with a 5xx, and only valid ones change the settings', async () => {
    const control = createRuntimeConfig({ schema: settingsSchema, initial: { journeysPerSecond: 5, checkoutShare: 0.1 }, logger: logger() });
    const app = createApp({ lifecycle: new Lifecycle(), logger: logger(), control, inFlight: () => 0 });
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 2 }), async (body) => {
        const res = await request(app).put('/control').set('Content-Type', 'application/json').send(JSON.stringify(body));
        expect(res.status).toBeLessThan(500);
        expect(settingsSchema.safeParse(control.get()).success).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
