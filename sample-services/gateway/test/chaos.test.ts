/**
 * The gateway's chaos API over real service apps (catalog and payments with chaos enabled): one
 * token, faults listed, injected and cancelled in any service, the gateway's own faults, and a fault
 * that really changes what the service answers.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createApp as catalogApp } from '@kit/catalog/app';
import { createMemoryStore as catalogStore } from '@kit/catalog/store';
import { createApp as paymentsApp } from '@kit/payments/app';
import { createProvider } from '@kit/payments/provider';
import { DEFAULT_DEPENDENCY_SETTINGS, createChaos, createHttpDependency, type Chaos } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';

const logger = createLogger({ destination: new PassThrough().resume() });
const TOKEN = 'gateway-chaos-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
const servers: Server[] = [];
const faults: Record<string, Chaos> = {};
let gateway: Express;

function ready(): Lifecycle {
  const lifecycle = new Lifecycle();
  lifecycle.markStarted();
  return lifecycle;
}

async function listen(app: Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

beforeAll(async () => {
  for (const name of ['gateway', 'catalog', 'payments']) faults[name] = createChaos({ service: name, logger });
  const chaosOf = (name: string) => ({ faults: faults[name] as Chaos, token: TOKEN });
  const catalog = await listen(catalogApp({ store: catalogStore(), logger, lifecycle: ready(), recommendations: () => ({ enabled: true, timeoutMs: 100 }), chaos: chaosOf('catalog') }));
  const provider = createProvider({ settings: () => ({ medianMs: 0, sigma: 0, declineRate: 0 }), random: Math.random, sleep: () => Promise.resolve(), now: () => new Date() });
  const payments = await listen(paymentsApp({ provider, logger, lifecycle: ready(), chaos: chaosOf('payments') }));
  const settings = { ...DEFAULT_DEPENDENCY_SETTINGS, retries: 0, timeoutMs: 2_000 };
  const dependency = (name: string, baseUrl: string) => createHttpDependency({ name, baseUrl, logger, settings });
  // orders, inventory and notifications run without chaos here: the API reports that per service
  const nowhere = 'http://127.0.0.1:9';
  gateway = createApp({
    upstreams: {
      catalog: dependency('catalog', catalog),
      orders: dependency('orders', nowhere),
      inventory: dependency('inventory', nowhere),
      notifications: dependency('notifications', nowhere),
      payments: dependency('payments', payments),
    },
    lifecycle: ready(),
    logger,
    rateLimitPerMinute: 10_000,
    corsOrigins: ['*'],
    chaos: chaosOf('gateway'),
    chaosTargets: { catalog, orders: nowhere, inventory: nowhere, payments, notifications: nowhere },
  });
});

afterAll(() => {
  for (const chaos of Object.values(faults)) chaos.close();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

describe('the chaos API', () => {
  it('needs the token', async () => {
    await request(gateway).get('/api/chaos').expect(401);
    await request(gateway).post('/api/chaos/catalog/faults').set('authorization', 'Bearer not-the-token-at-all').send({ type: 'hang' }).expect(401);
    expect(faults.catalog?.list()).toEqual([]);
  });

  it('injects a fault into a service, which then answers with it, and cancels it', async () => {
    const injected = await request(gateway).post('/api/chaos/catalog/faults').set(auth).send({ type: 'error', status: 503, route: '/products', ttlSeconds: 60 }).expect(201);
    expect(injected.body).toMatchObject({ spec: { type: 'error', status: 503 } });
    expect(faults.catalog?.list()).toHaveLength(1);

    // the service answers 503; through its resilient client the gateway reports a failed upstream
    await request(gateway).get('/api/catalog/products/p-001').expect(502);
    await request(gateway).get('/api/catalog/categories').expect(200);

    await request(gateway).delete(`/api/chaos/catalog/faults/${String(injected.body.id)}`).set(auth).expect(200, { cancelled: 1 });
    await request(gateway).get('/api/catalog/products/p-001').expect(200);
  });

  it('lists every service’s faults, saying which services have chaos off or are unreachable', async () => {
    await request(gateway).post('/api/chaos/payments/faults').set(auth).send({ type: 'latency', ms: 800 }).expect(201);
    await request(gateway).post('/api/chaos/gateway/faults').set(auth).send({ type: 'latency', ms: 5, route: '/api/stock' }).expect(201);
    const all = await request(gateway).get('/api/chaos').set(auth).expect(200);
    expect(Object.keys(all.body.services).sort()).toEqual(['catalog', 'gateway', 'inventory', 'notifications', 'orders', 'payments']);
    expect(all.body.services.payments.faults).toEqual([expect.objectContaining({ spec: expect.objectContaining({ type: 'latency', ms: 800 }) })]);
    expect(all.body.services.gateway.faults).toHaveLength(1);
    expect(all.body.services.catalog.faults).toEqual([]);
    expect(all.body.services.orders.error).toEqual(expect.any(String));
    // health and the circuits of each service's outbound calls ride along, for the console
    expect(all.body.services.catalog.health).toBe('ready');
    expect(all.body.services.orders.health).toBe('unreachable');
    expect(all.body.services.gateway).toMatchObject({ health: 'ready', circuits: expect.objectContaining({ catalog: 'closed', payments: 'closed' }) });

    await request(gateway).delete('/api/chaos/payments/faults').set(auth).expect(200, { cancelled: 1 });
    await request(gateway).delete('/api/chaos/gateway/faults').set(auth).expect(200, { cancelled: 1 });
    expect(faults.payments?.list()).toEqual([]);
  });

  it('describes every fault type and its parameters as the JSON Schema it validates with', async () => {
    const schema = await request(gateway).get('/api/chaos/fault-types').set(auth).expect(200);
    const types = schema.body.oneOf.map((option: { properties: { type: { const: string } } }) => option.properties.type.const);
    expect(types).toEqual(['latency', 'error', 'exception', 'hang', 'cpu', 'memory', 'block', 'crash', 'dependency', 'database', 'stall']);
    const latency = schema.body.oneOf[0];
    expect(latency.required).toEqual(['type', 'ms']);
    expect(latency.properties.ttlSeconds).toMatchObject({ default: 300, minimum: 1, maximum: 3600 });
    await request(gateway).get('/api/chaos/fault-types').expect(401);
  });

  it('passes a service’s 400 through, naming the bad field, and 404s an unknown service', async () => {
    const bad = await request(gateway).post('/api/chaos/payments/faults').set(auth).send({ type: 'latency', ms: 'slow' }).expect(400);
    expect(bad.body.error.details.fields).toEqual([expect.objectContaining({ field: 'ms' })]);
    const unknown = await request(gateway).get('/api/chaos/billing/faults').set(auth).expect(404);
    expect(unknown.body.error.message).toContain('gateway, catalog, orders, inventory, payments, notifications');
  });
});
