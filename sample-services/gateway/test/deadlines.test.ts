/**
 * The gateway's deadline policy against fake services: every request gets a budget from the
 * gateway's policy (a client's own header is not trusted), the services are told what is left, and a
 * checkout gets one attempt with its whole deadline instead of a short attempt and a retry.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { DEFAULT_DEPENDENCY_SETTINGS, createHttpDependency } from '@kit/service';
import { HEADER_DEADLINE_MS, Lifecycle, createLogger } from '@kit/telemetry';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';

const logger = createLogger({ destination: new PassThrough().resume() });
/** What the fake orders saw: each request's deadline header, per route. */
const seen: { checkouts: string[]; reads: string[] } = { checkouts: [], reads: [] };
let server: Server;
let gateway: ReturnType<typeof createApp>;

beforeAll(async () => {
  const orders = express();
  orders.use(express.json());
  // a checkout that takes longer than the gateway's per-attempt timeout, well inside its deadline
  orders.post('/orders', (req, res) => {
    seen.checkouts.push(req.get(HEADER_DEADLINE_MS) ?? '');
    if (req.get('idempotency-key') === 'busy-key-0001') {
      res.status(409).set('Retry-After', '1').json({ error: { code: 'checkout_in_progress', message: 'still running' } });
      return;
    }
    setTimeout(() => res.status(201).json({ id: 'o-1' }), 600);
  });
  orders.get('/orders/:id', (req, res) => {
    seen.reads.push(req.get(HEADER_DEADLINE_MS) ?? '');
    res.json({ id: req.params.id });
  });
  server = await new Promise<Server>((resolve) => {
    const s = orders.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  // a 300 ms attempt budget: the old policy would have cut the 600 ms checkout off and retried it
  const settings = { ...DEFAULT_DEPENDENCY_SETTINGS, retryBaseMs: 1, timeoutMs: 300 };
  const upstream = (name: string) => createHttpDependency({ name, baseUrl: url, logger, settings });
  const lifecycle = new Lifecycle();
  lifecycle.markStarted();
  gateway = createApp({
    upstreams: { catalog: upstream('catalog'), orders: upstream('orders'), inventory: upstream('inventory'), notifications: upstream('notifications'), payments: upstream('payments') },
    lifecycle,
    logger,
    rateLimitPerMinute: 10_000,
    corsOrigins: ['*'],
    deadlines: { defaultMs: 2_000, checkoutMs: 4_000 },
  });
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("the gateway's deadlines", () => {
  it('gives a checkout one attempt with the whole checkout deadline, so a slow checkout is never sent twice', async () => {
    const before = seen.checkouts.length;

    const res = await request(gateway).post('/api/orders').set('Idempotency-Key', 'slow-key-0001').send({ any: 'body' });

    expect(res.status).toBe(201);
    const sent = seen.checkouts.slice(before);
    expect(sent).toHaveLength(1);
    expect(Number(sent[0])).toBeGreaterThan(3_000);
    expect(Number(sent[0])).toBeLessThanOrEqual(4_000);
  });

  it("tells a service the attempt's budget on reads, and ignores a client's own deadline header", async () => {
    const before = seen.reads.length;

    await request(gateway).get('/api/orders/o-1').set(HEADER_DEADLINE_MS, '999999').expect(200);
    await request(gateway).get('/api/orders/o-2').set(HEADER_DEADLINE_MS, '1').expect(200);

    const sent = seen.reads.slice(before).map(Number);
    expect(sent).toHaveLength(2);
    // min(300 ms attempt, 2 s deadline) both times: neither client value was taken
    expect(sent).toEqual([300, 300]);
  });

  it("passes orders' 409 for a checkout in progress on with its Retry-After", async () => {
    const res = await request(gateway).post('/api/orders').set('Idempotency-Key', 'busy-key-0001').send({ any: 'body' });

    expect(res.status).toBe(409);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ error: { code: 'checkout_in_progress' } });
  });
});
