/** The notifications HTTP API: the latest confirmation e-mails, filtered by order, and no 5xx for any query. */
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Lifecycle, createLogger } from '@kit/telemetry';
import fc from 'fast-check';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeConfig } from '@kit/service';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createMailer } from '../src/mailer';
import { initialRuntime, runtimeSchema } from '../src/runtime';
import { createMemoryStore } from '../src/store';

const logger = createLogger({ destination: new PassThrough().resume() });
const mailer = createMailer({ logger, store: createMemoryStore(), failureRate: () => 0, random: Math.random });
const lifecycle = new Lifecycle();
lifecycle.markStarted();
const app = createApp({ lifecycle, logger, mailer });
const orders = Array.from({ length: 30 }, () => `o-${randomUUID()}`);

beforeAll(async () => {
  for (const orderId of orders) await mailer.send({ orderId, customerEmail: 'ada@example.com', totalMinor: 1299, currency: 'EUR' });
});

describe('GET /notifications', () => {
  it('lists the newest 20 e-mails by default, and up to `limit`', async () => {
    const page = await request(app).get('/notifications').expect(200);
    expect(page.body.items).toHaveLength(20);
    expect(page.body.items[0].orderId).toBe(orders.at(-1));
    const small = await request(app).get('/notifications').query({ limit: 3 }).expect(200);
    expect(small.body.items.map((item: { orderId: string }) => item.orderId)).toEqual(orders.slice(-3).reverse());
  });

  it('finds the e-mail of one order', async () => {
    const target = orders[2] ?? '';
    const found = await request(app).get('/notifications').query({ orderId: target }).expect(200);
    expect(found.body.items).toEqual([expect.objectContaining({ orderId: target, to: 'ada@example.com', subject: expect.stringContaining('12.99 EUR') })]);
    const none = await request(app).get('/notifications').query({ orderId: `o-${randomUUID()}` }).expect(200);
    expect(none.body.items).toEqual([]);
  });

  it('answers 400 naming the field for a bad order id, limit or unknown parameter', async () => {
    const badId = await request(app).get('/notifications').query({ orderId: 'DROP TABLE' }).expect(400);
    expect(JSON.stringify(badId.body.error)).toContain('orderId');
    const badLimit = await request(app).get('/notifications').query({ limit: 1000 }).expect(400);
    expect(JSON.stringify(badLimit.body.error)).toContain('limit');
    await request(app).get('/notifications').query({ customer: 'ada@example.com' }).expect(400);
  });

  it('never answers a random query with a 5xx, and every error is JSON that says what was wrong', async () => {
    const anyValue = fc.oneof(fc.string({ maxLength: 40 }), fc.integer().map(String), fc.constantFrom('', '-1', '1e9', 'NaN', '%00', '../', "' OR 1=1 --", orders[0] ?? ''));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('orderId', 'limit', 'x', 'limit[]', 'orderId[]'), anyValue, { maxKeys: 3 }), async (query) => {
        const res = await request(app).get('/notifications').query(query);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      }),
      { numRuns: 300 },
    );
  });
});

describe('the mailer', () => {
  const event = () => ({ orderId: `o-${randomUUID()}`, customerEmail: 'ada@example.com', totalMinor: 4200, currency: 'EUR' as const });

  it('sends one e-mail when two deliveries of an order race, and calls every later one a duplicate', async () => {
    const lines: string[] = [];
    const destination = new PassThrough().on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
    const own = createMailer({ logger: createLogger({ destination }), store: createMemoryStore(), failureRate: () => 0, random: Math.random });
    const placed = event();

    expect((await Promise.all([own.send(placed, 'evt-a'), own.send(placed, 'evt-a')])).sort()).toEqual(['duplicate', 'sent']);
    expect(await own.send(placed, 'evt-a')).toBe('duplicate');
    await expect.poll(() => lines.join('').split('order confirmation sent').length - 1).toBe(1);
    expect(await own.recent(10)).toEqual([expect.objectContaining({ orderId: placed.orderId, subject: expect.stringContaining('42.00 EUR') })]);
  });

  it('records nothing when the relay refuses, so the retry sends it', async () => {
    let failing = true;
    const own = createMailer({ logger, store: createMemoryStore(), failureRate: () => (failing ? 1 : 0), random: Math.random });
    const placed = event();
    await expect(own.send(placed)).rejects.toThrow('mail relay refused');
    expect(await own.forOrder(placed.orderId)).toBeUndefined();
    failing = false;
    expect(await own.send(placed)).toBe('sent');
  });

  it('finds, through the API, an order confirmed before the latest hundred', async () => {
    const own = createMailer({ logger, store: createMemoryStore(), failureRate: () => 0, random: Math.random });
    const first = event();
    await own.send(first);
    for (let i = 0; i < 150; i += 1) await own.send(event());
    const found = await request(createApp({ lifecycle, logger, mailer: own })).get('/notifications').query({ orderId: first.orderId }).expect(200);
    expect(found.body.items).toEqual([expect.objectContaining({ orderId: first.orderId })]);
  });
});

describe('runtime configuration', () => {
  it('makes the mail relay fail once an operator sets the failure rate to 1, and refuses a rate above 1', async () => {
    const runtime = createRuntimeConfig({ schema: runtimeSchema, initial: initialRuntime(loadConfig({})), logger });
    const flaky = createMailer({ logger, store: createMemoryStore(), failureRate: () => runtime.get().failureRate, random: Math.random });
    const admin = { 'x-admin-token': 'notifications-admin-token-01' };
    const operated = createApp({ lifecycle, logger, mailer: flaky, adminRoutes: runtime.router('notifications-admin-token-01') });
    const event = { orderId: `o-${randomUUID()}`, customerEmail: 'ada@example.com', totalMinor: 100, currency: 'EUR' as const };

    await request(operated).put('/admin/config').set(admin).send({ failureRate: 1 }).expect(200);
    await expect(flaky.send(event)).rejects.toThrow('mail relay refused');
    await request(operated).put('/admin/config').set(admin).send({ failureRate: 0 }).expect(200);
    await expect(flaky.send(event)).resolves.toBe('sent');
    const bad = await request(operated).put('/admin/config').set(admin).send({ failureRate: 1.5 }).expect(400);
    expect(bad.body.error.message).toContain('failureRate');
  });
});
