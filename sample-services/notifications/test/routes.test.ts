/** The notifications HTTP API: the latest confirmation e-mails, filtered by order, and no 5xx for any query. */
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Lifecycle, createLogger } from '@kit/telemetry';
import fc from 'fast-check';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { createMailer } from '../src/mailer';

const logger = createLogger({ destination: new PassThrough().resume() });
const mailer = createMailer({ logger, failureRate: () => 0, random: Math.random });
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
