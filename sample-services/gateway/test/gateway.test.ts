import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createApp as catalogApp } from '@kit/catalog/app';
import { createMemoryStore as catalogStore } from '@kit/catalog/store';
import { createApp as inventoryApp } from '@kit/inventory/app';
import { createMemoryStore as inventoryStore } from '@kit/inventory/store';
import { createApp as ordersApp } from '@kit/orders/app';
import { createCheckout } from '@kit/orders/checkout';
import { createMemoryStore as ordersStore } from '@kit/orders/store';
import { createApp as paymentsApp } from '@kit/payments/app';
import { createProvider } from '@kit/payments/provider';
import { DEFAULT_DEPENDENCY_SETTINGS, createHttpDependency } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import express, { type Express } from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';

const logger = createLogger({ destination: new PassThrough().resume() });
const ADMIN = 'gateway-admin-token-123456';
const servers: Server[] = [];
const urls: Record<string, string> = {};

function ready(): Lifecycle {
  const lifecycle = new Lifecycle();
  lifecycle.markStarted();
  return lifecycle;
}

async function listen(name: string, app: Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return urls[name];
}

const settings = { ...DEFAULT_DEPENDENCY_SETTINGS, retryBaseMs: 1, timeoutMs: 2_000 };
const dependency = (name: string, baseUrl: string) => createHttpDependency({ name, baseUrl, logger, settings });

function gateway(options: { rateLimitPerMinute?: number; notificationsUrl?: string } = {}) {
  return createApp({
    upstreams: {
      catalog: dependency('catalog', urls.catalog ?? ''),
      orders: dependency('orders', urls.orders ?? ''),
      inventory: dependency('inventory', urls.inventory ?? ''),
      notifications: dependency('notifications', options.notificationsUrl ?? urls.notifications ?? ''),
      payments: dependency('payments', urls.payments ?? ''),
    },
    lifecycle: ready(),
    logger,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 10_000,
    corsOrigins: ['http://shop.localhost'],
    adminToken: ADMIN,
  });
}

beforeAll(async () => {
  const catalog = await listen('catalog', catalogApp({ store: catalogStore(), logger, lifecycle: ready(), recommendations: () => ({ enabled: true, timeoutMs: 100 }) }));
  const inventory = await listen('inventory', inventoryApp({ store: inventoryStore(), logger, lifecycle: ready(), adminToken: ADMIN }));
  const provider = createProvider({ settings: () => ({ medianMs: 0, sigma: 0, declineRate: 0 }), random: Math.random, sleep: () => Promise.resolve(), now: () => new Date() });
  const payments = await listen('payments', paymentsApp({ provider, logger, lifecycle: ready() }));
  const store = ordersStore();
  const checkout = createCheckout({ store, logger, catalog: dependency('catalog', catalog), inventory: dependency('inventory', inventory), payments: dependency('payments', payments) });
  await listen('orders', ordersApp({ store, checkout, lifecycle: ready(), logger }));
  const notifications = express();
  notifications.get('/readyz', (_req, res) => res.json({ status: 'ready' }));
  notifications.get('/notifications', (_req, res) => res.json({ items: [] }));
  await listen('notifications', notifications);
});

afterAll(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

describe('the gateway', () => {
  it('routes catalog reads with their query, and echoes or assigns a request id', async () => {
    const app = gateway();
    const books = await request(app).get('/api/catalog/products?category=books&limit=3').set('x-request-id', 'req-12345678').expect(200);
    const assigned = await request(app).get('/api/catalog/products/p-001').expect(200);

    expect(books.body.items).toHaveLength(3);
    expect(books.body.items.every((p: { category: string }) => p.category === 'books')).toBe(true);
    expect(books.headers['x-request-id']).toBe('req-12345678');
    expect(assigned.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('places an order through orders, passing the Idempotency-Key, and reads it back', async () => {
    const app = gateway();
    const body = { customerEmail: 'ada@example.com', items: [{ productId: 'p-002', quantity: 1 }], card: { token: 'tok_visa' } };

    const placed = await request(app).post('/api/orders').set('Idempotency-Key', 'gateway-order-1').send(body).expect(201);
    const replay = await request(app).post('/api/orders').set('Idempotency-Key', 'gateway-order-1').send(body).expect(200);
    const read = await request(app).get(`/api/orders/${placed.body.id}`).expect(200);

    expect(replay.body.id).toBe(placed.body.id);
    expect(read.body.status).toBe('confirmed');
  });

  it('passes the upstream verdict on a bad request through unchanged', async () => {
    const res = await request(gateway()).get('/api/catalog/products?limit=0').expect(400);
    expect(res.body.error.message).toMatch(/^limit: /);
  });

  it('limits each client and says when to come back', async () => {
    const app = gateway({ rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i += 1) await request(app).get('/api/catalog/categories').expect(200);

    const limited = await request(app).get('/api/catalog/categories').expect(429);

    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('aggregates every service\'s readiness, and names the one that is down', async () => {
    const healthy = await request(gateway()).get('/api/health').expect(200);
    const degraded = await request(gateway({ notificationsUrl: 'http://127.0.0.1:1' })).get('/api/health').expect(503);

    expect(healthy.body).toEqual({ status: 'ready', services: { catalog: 'ready', orders: 'ready', inventory: 'ready', notifications: 'ready' } });
    expect(degraded.body.services.notifications).toBe('unreachable');
  });

  it('guards admin routes with the token', async () => {
    const app = gateway();
    await request(app).put('/api/admin/stock/p-003').send({ available: 5 }).expect(401);
    await request(app).put('/api/admin/stock/p-003').set('Authorization', 'Bearer wrong').send({ available: 5 }).expect(401);
    await request(app).put('/api/admin/stock/p-003').set('Authorization', `Bearer ${ADMIN}`).send({ available: 5 }).expect(200);

    const stock = await request(app).get('/api/stock/p-003').expect(200);
    expect(stock.body.available).toBe(5);
  });

  it('answers CORS preflights for the storefront origin only', async () => {
    const app = gateway();
    const allowed = await request(app).options('/api/orders').set('Origin', 'http://shop.localhost').set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'idempotency-key,traceparent');
    const other = await request(app).options('/api/orders').set('Origin', 'http://evil.example').set('Access-Control-Request-Method', 'POST');

    expect(allowed.headers['access-control-allow-origin']).toBe('http://shop.localhost');
    expect(allowed.headers['access-control-allow-headers']).toContain('idempotency-key');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('keeps the services\' operations routes private: only catalog\'s API is forwarded', async () => {
    const app = gateway();
    for (const path of ['/api/catalog/metrics', '/api/catalog/readyz', '/api/catalog/livez', '/api/catalog/chaos/faults', '/api/catalog/../metrics']) {
      const res = await request(app).get(path).expect(404);
      expect(res.body.error.code).toBe('not_found');
    }
    await request(app).post('/api/catalog/products').send({}).expect(404);
    await request(app).get('/api/catalog/products/p-001/recommendations').expect(200);
  });

  it('answers unknown API paths with a JSON 404', async () => {
    await request(gateway()).get('/api/unknown').expect(404, { error: { code: 'not_found', message: 'No route for GET /api/unknown' } });
  });
});

describe('hostile bodies', () => {
  it('refuses a body nested 10,000 deep at the edge: a 400 naming the limit, nothing forwarded, the orders circuit closed', async () => {
    const app = gateway();
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const body = { customerEmail: 'ada@example.com', items: [{ productId: 'p-002', quantity: 1 }], card: { token: 'tok_visa' } };

    // more than the breaker's five consecutive failures: none of them may count against orders
    for (let i = 0; i < 8; i += 1) {
      const res = await request(app).post('/api/orders').set('Content-Type', 'application/json').set('x-request-id', `deep-body-${String(i)}`).send(deep).expect(400);
      expect(res.body).toEqual({ error: { code: 'body_too_deep', message: 'JSON nesting deeper than 32 levels', requestId: `deep-body-${String(i)}` } });
    }

    await request(app).post('/api/orders').set('Idempotency-Key', 'after-deep-bodies').send(body).expect(201);
  });
});

describe('random input', () => {
  it('never turns a random order body or query into a 5xx', async () => {
    const app = gateway();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 30 }), async (body, query) => {
        n += 1;
        const order = await request(app).post('/api/orders').set('Idempotency-Key', `fuzz-gateway-${n}`).set('Content-Type', 'application/json').send(JSON.stringify(body));
        const list = await request(app).get('/api/catalog/products').query({ q: query, limit: query.length });
        expect(order.status).toBeLessThan(500);
        expect(list.status).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });
});
