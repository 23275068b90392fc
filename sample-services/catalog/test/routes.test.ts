import { PassThrough } from 'node:stream';
import { createRuntimeConfig } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { SEED_SIZE } from '../src/products';
import { runtimeSchema } from '../src/runtime';
import { createMemoryStore, type CatalogStore } from '../src/store';
import { testApp } from './helpers';

describe('GET /products', () => {
  it('lists the first page of the seeded catalogue with its total', async () => {
    const res = await request(testApp()).get('/products').expect(200);

    expect(res.body.total).toBe(SEED_SIZE);
    expect(res.body.items).toHaveLength(20);
    expect(res.body.items[0]).toMatchObject({ id: 'p-001', currency: 'EUR', priceMinor: expect.any(Number) });
    expect(Number.isInteger(res.body.items[0].priceMinor)).toBe(true);
  });

  it('filters by category, searches text, and pages', async () => {
    const books = await request(testApp()).get('/products?category=books&limit=100').expect(200);
    const page2 = await request(testApp()).get('/products?limit=10&offset=10').expect(200);
    const search = await request(testApp()).get('/products?q=KETTLE').expect(200);

    expect(books.body.items.every((p: { category: string }) => p.category === 'books')).toBe(true);
    expect(books.body.total).toBe(books.body.items.length);
    expect(page2.body.items[0].id).toBe('p-011');
    for (const product of search.body.items) expect(product.name.toLowerCase()).toContain('kettle');
  });

  it('rejects a bad query with a 400 that names the field', async () => {
    const limit = await request(testApp()).get('/products?limit=1000').expect(400);
    const category = await request(testApp()).get('/products?category=weapons').expect(400);
    const unknown = await request(testApp()).get('/products?colour=red').expect(400);

    expect(limit.body.error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/^limit: /) });
    expect(category.body.error.message).toMatch(/^category: /);
    expect(unknown.body.error.code).toBe('invalid_request');
  });
});

describe('GET /products/:id', () => {
  it('returns one product, a JSON 404 for an unknown id, and a 400 for a malformed one', async () => {
    const found = await request(testApp()).get('/products/p-007').expect(200);
    const missing = await request(testApp()).get('/products/p-999').expect(404);
    const malformed = await request(testApp()).get('/products/DROP%20TABLE').expect(400);

    expect(found.body.id).toBe('p-007');
    expect(missing.body).toEqual({ error: { code: 'not_found', message: 'product p-999 not found' } });
    expect(malformed.body.error.message).toMatch(/^id: /);
  });
});

describe('GET /products/:id/recommendations', () => {
  it('recommends products sharing tags with the one viewed', async () => {
    const res = await request(testApp()).get('/products/p-001/recommendations').expect(200);
    const product = (await request(testApp()).get('/products/p-001')).body as { tags: string[] };

    expect(res.body.degraded).toBe(false);
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const item of res.body.items) expect(item.tags.some((t: string) => product.tags.includes(t))).toBe(true);
  });

  it('degrades to same-category best prices when switched off', async () => {
    const res = await request(testApp({ recommendations: { enabled: false } })).get('/products/p-002/recommendations').expect(200);

    expect(res.body).toMatchObject({ degraded: true, source: 'same-category', reason: 'disabled' });
    expect((await request(testApp()).get('/metrics')).text).toMatch(/^kit_dependency_fallbacks_total\{dependency="recommendations"\} [1-9]/m);
    expect(res.body.items.every((p: { category: string; id: string }) => p.category === 'electronics' && p.id !== 'p-002')).toBe(true);
  });

  it('degrades instead of failing when the computed recommendations error or run past their budget', async () => {
    const memory = createMemoryStore();
    const failing: CatalogStore = { ...memory, related: () => Promise.reject(new Error('index offline')) };
    const slow: CatalogStore = { ...memory, related: () => new Promise((resolve) => setTimeout(() => resolve([]), 1_000)) };

    const failed = await request(testApp({ store: failing })).get('/products/p-003/recommendations').expect(200);
    const started = Date.now();
    const timedOut = await request(testApp({ store: slow, recommendations: { timeoutMs: 50 } })).get('/products/p-003/recommendations').expect(200);

    expect(failed.body).toMatchObject({ degraded: true, reason: 'unavailable' });
    expect(timedOut.body).toMatchObject({ degraded: true, reason: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(900);
  });
});

describe('everything else', () => {
  it('answers unknown routes with a JSON 404 and serves health and metrics', async () => {
    const app = testApp();
    await request(app).get('/nope').expect(404, { error: { code: 'not_found', message: 'No route for GET /nope' } });
    await request(app).get('/readyz').expect(200);
    const metrics = await request(app).get('/metrics').expect(200);
    expect(metrics.text).toContain('nodejs_eventloop_utilization_ratio');
  });

  it('lists the categories', async () => {
    const res = await request(testApp()).get('/categories').expect(200);
    expect(res.body.items).toContain('kitchen');
  });
});

describe('runtime configuration', () => {
  it('switches recommendations off while running, without a restart', async () => {
    const logger = createLogger({ destination: new PassThrough().resume() });
    const runtime = createRuntimeConfig({
      schema: runtimeSchema,
      initial: { recommendationsEnabled: true, recommendationsTimeoutMs: 200, logLevel: 'info' },
      logger,
    });
    const lifecycle = new Lifecycle();
    lifecycle.markStarted();
    const app = createApp({
      store: createMemoryStore(),
      logger,
      lifecycle,
      recommendations: () => ({ enabled: runtime.get().recommendationsEnabled, timeoutMs: runtime.get().recommendationsTimeoutMs }),
      adminRoutes: runtime.router('catalog-admin-token-1234'),
    });

    const before = await request(app).get('/products/p-001/recommendations').expect(200);
    await request(app).put('/admin/config').set('x-admin-token', 'catalog-admin-token-1234').send({ recommendationsEnabled: false }).expect(200);
    const after = await request(app).get('/products/p-001/recommendations').expect(200);

    expect(before.body.degraded).toBe(false);
    expect(after.body).toMatchObject({ degraded: true, reason: 'disabled' });
  });
});
