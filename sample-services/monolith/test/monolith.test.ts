import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore as catalogMemory } from '@kit/catalog/store';
import { createMemoryStore as inventoryMemory } from '@kit/inventory/store';
import { createMailer } from '@kit/notifications/mailer';
import { createMemoryStore as notificationsMemory } from '@kit/notifications/store';
import { createMemoryStore as ordersMemory } from '@kit/orders/store';
import { createProvider } from '@kit/payments/provider';
import { DEFAULT_DEPENDENCY_SETTINGS, circuitStates, createChaos, currentChaos, setProcessChaos, type Chaos } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { MODULES, createApp, type ModuleName } from '../src/app';
import { createInProcessDependency, createModuleScope, injectable, scopedChaos } from '../src/in-process';

const TOKEN = 'monolith-test-chaos-0123456789';
const logger = createLogger({ level: 'error', exportOtlp: false });
const order = (productId: string, quantity = 1) => ({ customerEmail: 'ada@example.com', items: [{ productId, quantity }], card: { token: 'tok_visa' } });

function openShop(options: { chaos?: boolean; paymentsMs?: number; checkoutDeadlineMs?: number } = {}) {
  const scope = createModuleScope();
  const modules = Object.fromEntries(MODULES.map((module) => [module, createChaos({ service: module, logger, exit: () => undefined })])) as Record<ModuleName, Chaos>;
  const gateway = createChaos({ service: 'gateway', logger, exit: () => undefined });
  if (options.chaos === true) setProcessChaos(scopedChaos(scope, modules, gateway));
  const lifecycle = new Lifecycle();
  lifecycle.markStarted();
  const inventory = inventoryMemory(20);
  const sentEmails = notificationsMemory();
  const app = createApp({
    lifecycle,
    logger,
    scope,
    stores: { catalog: catalogMemory(), orders: ordersMemory(), inventory, notifications: sentEmails },
    provider: createProvider({ settings: () => ({ medianMs: 1, sigma: 0, declineRate: 0 }), random: () => 0.5, sleep: () => Promise.resolve(), now: () => new Date() }),
    mailer: createMailer({ logger, store: sentEmails, failureRate: () => 0, random: () => 1 }),
    recommendations: () => ({ enabled: true, timeoutMs: 100 }),
    budgets: { upstreamMs: 200, paymentsMs: options.paymentsMs ?? 200, publicMs: 1_000 },
    ...(options.checkoutDeadlineMs === undefined ? {} : { deadlines: { defaultMs: 1_000, checkoutMs: options.checkoutDeadlineMs } }),
    rateLimitPerMinute: 100_000,
    corsOrigins: ['*'],
    adminToken: 'monolith-test-admin-0123456789',
    chaos: options.chaos === true ? { token: TOKEN, gateway, modules } : undefined,
  });
  return { app, inventory, modules, scope, close: () => [gateway, ...Object.values(modules)].forEach((c) => c.close()) };
}

let shop: ReturnType<typeof openShop> | undefined;
afterEach(() => {
  shop?.close();
  shop = undefined;
  setProcessChaos(undefined);
});

describe('the monolith app', () => {
  it('takes a checkout through the same public API as the gateway: priced by catalog, reserved in inventory, charged by payments', async () => {
    shop = openShop();
    const res = await request(shop.app).post('/api/orders').set('Idempotency-Key', 'mono-checkout-0001').send(order('p-004', 2)).expect(201);

    expect(res.body).toMatchObject({ status: 'confirmed', lines: [{ productId: 'p-004', quantity: 2 }] });
    expect(res.body.chargeId).toMatch(/^ch_/);
    await request(shop.app).get('/api/stock/p-004').expect(200, { productId: 'p-004', available: 18 });
    await request(shop.app).get(`/api/orders/${res.body.id as string}`).expect(200, res.body);
    await request(shop.app).get('/api/health').expect(200, { status: 'ready', services: { catalog: 'ready', orders: 'ready', inventory: 'ready', notifications: 'ready' } });
  });

  it('passes each module\'s verdicts through unchanged: unknown product 422, sold out 409, invalid body 400', async () => {
    shop = openShop();
    await request(shop.app).post('/api/orders').set('Idempotency-Key', 'mono-unknown-01').send(order('p-999')).expect(422);
    await request(shop.app).put('/api/admin/stock/p-001').set('authorization', 'Bearer monolith-test-admin-0123456789').send({ available: 0 }).expect(200);
    await request(shop.app).post('/api/orders').set('Idempotency-Key', 'mono-sold-out-01').send(order('p-001')).expect(409);
    await request(shop.app).post('/api/orders').set('Idempotency-Key', 'mono-invalid-01').send({ items: [] }).expect(400);
    await request(shop.app).get('/api/catalog/products/p-999').expect(404);
  });

  it('offers the chaos API for every module, and a fault in payments fails checkouts while browsing the catalog goes on', async () => {
    shop = openShop({ chaos: true });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const listed = await request(shop.app).get('/api/chaos').set(auth).expect(200);
    expect(Object.keys(listed.body.services as object).sort()).toEqual(['catalog', 'gateway', 'inventory', 'notifications', 'orders', 'payments']);

    await request(shop.app).post('/api/chaos/payments/faults').set(auth).send({ type: 'error', status: 503 }).expect(201);
    expect(shop.modules.payments.list()).toHaveLength(1);
    const failed = await request(shop.app).post('/api/orders').set('Idempotency-Key', 'mono-fault-0001').send(order('p-002'));
    expect(failed.status).toBeGreaterThanOrEqual(500);
    // the stock reserved for the failed charge was released (the saga's compensation)
    await request(shop.app).get('/api/stock/p-002').expect(200, { productId: 'p-002', available: 20 });
    await request(shop.app).get('/api/catalog/products/p-002').expect(200);

    await request(shop.app).delete('/api/chaos/payments/faults').set(auth).expect(200, { cancelled: 1 });
  });

  it("honours the checkout's deadline in-process: a slow payments module is cut off when the deadline passes, not at its own budget, and the stock goes back", async () => {
    // a charge may take 5 s, but the whole checkout has 600 ms
    shop = openShop({ chaos: true, paymentsMs: 5_000, checkoutDeadlineMs: 600 });
    await request(shop.app).post('/api/chaos/payments/faults').set({ authorization: `Bearer ${TOKEN}` }).send({ type: 'latency', ms: 3_000 }).expect(201);

    const { app } = shop;
    const started = performance.now();
    // as many as open a circuit (5 consecutive failures), if deadlines counted against it
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => request(app).post('/api/orders').set('Idempotency-Key', `mono-deadline-0${String(i)}`).send(order('p-003'))));
    const tookMs = performance.now() - started;

    for (const res of answers) {
      expect(res.status).toBe(504);
      expect(res.body).toMatchObject({ error: { code: 'deadline_exceeded' } });
    }
    expect(tookMs).toBeLessThan(2_500);
    expect(circuitStates()).toMatchObject({ payments: 'closed', orders: 'closed' });
    await request(shop.app).get('/api/stock/p-003').expect(200, { productId: 'p-003', available: 20 });
  });
});

describe('an in-process dependency', () => {
  const module = () => {
    const app = express();
    app.use(express.json());
    app.get('/items/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    app.post('/echo', (req, res) => {
      res.status(201).json({ got: req.body as unknown, key: req.get('idempotency-key') ?? null });
    });
    app.get('/broken', (_req, res) => {
      res.status(500).json({ error: 'broken' });
    });
    app.get('/missing', (_req, res) => {
      res.status(404).json({ error: 'missing' });
    });
    app.get('/slow', (_req, res) => {
      setTimeout(() => res.json({ late: true }), 300);
    });
    return injectable(app);
  };
  const settings = { ...DEFAULT_DEPENDENCY_SETTINGS, timeoutMs: 100, retries: 0, breakerFailures: 3 };

  it('answers with the module\'s status and JSON body, carrying headers and body in', async () => {
    const dependency = createInProcessDependency({ name: 'items', app: module(), scope: createModuleScope(), logger, settings });
    await expect(dependency.request({ method: 'GET', path: '/items/7', idempotent: true })).resolves.toEqual({ status: 200, data: { id: '7' } });
    await expect(dependency.request({ method: 'POST', path: '/echo', body: { a: 1 }, headers: { 'idempotency-key': 'k-1' }, idempotent: true })).resolves.toEqual({
      status: 201,
      data: { got: { a: 1 }, key: 'k-1' },
    });
    await expect(dependency.request({ method: 'GET', path: '/missing', idempotent: true })).resolves.toEqual({ status: 404, data: { error: 'missing' } });
  });

  it('keeps the resilience policies: a slow module times out, and repeated 5xx open the circuit', async () => {
    const slow = createInProcessDependency({ name: 'slow', app: module(), scope: createModuleScope(), logger, settings });
    await expect(slow.request({ method: 'GET', path: '/slow', idempotent: false })).rejects.toMatchObject({ status: 504 });
    const dependency = createInProcessDependency({ name: 'flaky', app: module(), scope: createModuleScope(), logger, settings });
    for (let i = 0; i < 3; i += 1) await expect(dependency.request({ method: 'GET', path: '/broken', idempotent: false })).rejects.toMatchObject({ status: 502 });
    expect(dependency.state()).toBe('open');
    await expect(dependency.request({ method: 'GET', path: '/items/1', idempotent: false })).rejects.toThrow(/circuit open/);
  });

  it('leaves every other Express app alone: an app serving real sockets still parses JSON bodies', async () => {
    const dependency = createInProcessDependency({ name: 'items', app: module(), scope: createModuleScope(), logger, settings });
    await dependency.request({ method: 'POST', path: '/echo', body: { a: 1 }, idempotent: true });
    const other = express();
    other.use(express.json());
    other.post('/', (req, res) => {
      res.json({ got: req.body as unknown, ip: req.ip ?? null });
    });
    const server = createServer(other).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${String(port)}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"b":2}' });
      expect(await res.json()).toEqual({ got: { b: 2 }, ip: '127.0.0.1' });
    } finally {
      server.close();
    }
  });
});

describe('chaos scoped to modules', () => {
  it('slows the database of the module whose work is running, not its neighbours\'', () => {
    const scope = createModuleScope();
    const catalog = createChaos({ service: 'catalog', logger });
    const orders = createChaos({ service: 'orders', logger });
    const outside = createChaos({ service: 'gateway', logger });
    setProcessChaos(scopedChaos(scope, { catalog, orders }, outside));
    try {
      catalog.inject({ type: 'database', ms: 40 });
      orders.inject({ type: 'dependency', target: 'payments' });
      expect(scope.run('catalog', () => currentChaos()?.databaseDelayMs())).toBe(40);
      expect(scope.run('orders', () => currentChaos()?.databaseDelayMs())).toBe(0);
      expect(currentChaos()?.databaseDelayMs()).toBe(0);
      expect(scope.run('orders', () => currentChaos()?.dependencyFault('payments'))).toBe('fail');
      expect(scope.run('catalog', () => currentChaos()?.dependencyFault('payments'))).toBeUndefined();
    } finally {
      for (const chaos of [catalog, orders, outside]) chaos.close();
    }
  });
});
