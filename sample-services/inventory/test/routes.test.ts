import fc from 'fast-check';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, STORES, testApp } from './helpers';

describe.each(STORES)('over HTTP with the %s store', (_name, open) => {
  it('sells exactly 10 units when 200 checkouts race for the last 10', async () => {
    const store = await open();
    const app = testApp({ store });
    await request(app).put('/admin/stock/p-010').set('x-admin-token', ADMIN_TOKEN).send({ available: 10 }).expect(200);

    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        request(app).post('/reservations').send({ reservationId: `race-${i}`, items: [{ productId: 'p-010', quantity: 1 }] }).then((r) => r.status),
      ),
    );
    const stock = await request(app).get('/stock/p-010').expect(200);
    await store.close();

    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(190);
    expect(stock.body).toEqual({ productId: 'p-010', available: 0 });
  });
});

describe('reservations API', () => {
  it('creates with 201, replays with 200, and explains a shortage with a 409', async () => {
    const app = testApp();
    const body = { reservationId: 'order-1', items: [{ productId: 'p-001', quantity: 2 }] };

    const created = await request(app).post('/reservations').send(body).expect(201);
    await request(app).post('/reservations').send(body).expect(200);
    const short = await request(app).post('/reservations').send({ reservationId: 'order-2', items: [{ productId: 'p-001', quantity: 99 }] }).expect(409);

    expect(created.body).toEqual({ id: 'order-1', items: [{ productId: 'p-001', quantity: 2 }], status: 'reserved' });
    expect(short.body.error).toEqual({
      code: 'insufficient_stock',
      message: 'only 98 of p-001 available',
      details: { productId: 'p-001', available: 98 },
    });
  });

  it('releases and commits by id, with 404 for unknown and 409 for the wrong way round', async () => {
    const app = testApp();
    await request(app).post('/reservations').send({ reservationId: 'o-9', items: [{ productId: 'p-002', quantity: 1 }] }).expect(201);

    await request(app).post('/reservations/o-9/commit').expect(200);
    const conflict = await request(app).post('/reservations/o-9/release').expect(409);
    await request(app).post('/reservations/missing/release').expect(404);
    const read = await request(app).get('/reservations/o-9').expect(200);

    expect(conflict.body.error.code).toBe('conflict');
    expect(read.body.status).toBe('committed');
  });

  it('rejects bad bodies with a 400 naming the field', async () => {
    const app = testApp();
    const quantity = await request(app).post('/reservations').send({ reservationId: 'x', items: [{ productId: 'p-001', quantity: 0 }] }).expect(400);
    const id = await request(app).post('/reservations').send({ reservationId: 'bad id!', items: [{ productId: 'p-001', quantity: 1 }] }).expect(400);
    const json = await request(app).post('/reservations').set('Content-Type', 'application/json').send('{"reservationId":').expect(400);

    expect(quantity.body.error.message).toMatch(/^items\.0\.quantity: /);
    expect(id.body.error.message).toMatch(/^reservationId: /);
    expect(json.body.error.code).toBe('invalid_json');
  });

  it('guards the admin route with the token, and has none without one', async () => {
    await request(testApp()).put('/admin/stock/p-001').send({ available: 5 }).expect(401);
    await request(testApp()).put('/admin/stock/p-001').set('x-admin-token', 'wrong-token-xxxxxxxxxx').send({ available: 5 }).expect(401);
    await request(testApp({ adminToken: undefined })).put('/admin/stock/p-001').set('x-admin-token', ADMIN_TOKEN).send({ available: 5 }).expect(404);
  });

  it('never answers random bodies with a 5xx', async () => {
    const app = testApp();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
        const res = await request(app).post('/reservations').set('Content-Type', 'application/json').send(JSON.stringify(body));
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });
});
