import fc from 'fast-check';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { openShop, order, stockOf, type Shop } from './helpers';

let shop: Shop;
afterEach(() => shop.close());

describe('POST /orders', () => {
  it('reserves, charges and commits: the order is priced by the catalog and its event waits in the outbox', async () => {
    shop = await openShop();

    const res = await request(shop.orders).post('/orders').set('Idempotency-Key', 'checkout-0001').send(order('p-004', 2)).expect(201);

    expect(res.body).toMatchObject({ status: 'confirmed', currency: 'EUR', lines: [{ productId: 'p-004', quantity: 2 }], chargeId: 'ch_00000001' });
    expect(res.body.totalMinor).toBe(res.body.lines[0].unitPriceMinor * 2);
    expect(res.headers.location).toBe(`/orders/${res.body.id}`);
    expect(await stockOf(shop, 'p-004')).toBe(18);
    expect(await shop.store.pendingEvents(10)).toEqual([
      expect.objectContaining({ type: 'order.placed', payload: expect.objectContaining({ orderId: res.body.id, totalMinor: res.body.totalMinor }) }),
    ]);
    await request(shop.orders).get(`/orders/${res.body.id}`).expect(200, res.body);
  });

  it('creates one order and one charge when a checkout is replayed, even concurrently: the others wait their turn (409) or get the stored order', async () => {
    shop = await openShop();

    const responses = await Promise.all(
      Array.from({ length: 5 }, () => request(shop.orders).post('/orders').set('Idempotency-Key', 'checkout-same').send(order('p-005', 1))),
    );
    const later = await request(shop.orders).post('/orders').set('Idempotency-Key', 'checkout-same').send(order('p-005', 1)).expect(200);

    const answered = [...responses, later].filter((r) => r.status !== 409);
    const ids = new Set(answered.map((r) => (r.body as { id: string }).id));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.every((r) => [200, 201, 409].includes(r.status))).toBe(true);
    expect(await stockOf(shop, 'p-005')).toBe(19);
    expect((await fetch(`${shop.paymentsUrl}/charges/ch_00000002`)).status).toBe(404);
    expect(await shop.store.pendingCount()).toBe(1);
  });

  it('releases the stock when the card is declined, and says so with a 402', async () => {
    shop = await openShop();

    const res = await request(shop.orders).post('/orders').set('Idempotency-Key', 'checkout-decl').send(order('p-006', 3, 'tok_declined')).expect(402);

    expect(res.body.error).toEqual({ code: 'payment_declined', message: 'payment declined: card_declined' });
    expect(await stockOf(shop, 'p-006')).toBe(20);
    expect(await shop.store.pendingCount()).toBe(0);
  });

  it('refuses to oversell with a 409 naming the product', async () => {
    shop = await openShop();

    const res = await request(shop.orders).post('/orders').set('Idempotency-Key', 'checkout-many').send(order('p-007', 10)).expect(201);
    const more = await request(shop.orders).post('/orders').set('Idempotency-Key', 'checkout-more').send({ ...order('p-007', 10), items: [{ productId: 'p-007', quantity: 10 }, { productId: 'p-007', quantity: 1 }] }).expect(409);

    expect(res.body.status).toBe('confirmed');
    expect(more.body.error).toMatchObject({ code: 'insufficient_stock', details: { productId: 'p-007', available: 10 } });
  });

  it('fails fast with a clear 503 once a payments outage opens the circuit, and recovers with payments', async () => {
    shop = await openShop({ halfOpenAfterMs: 300 });
    shop.paymentsDown = true;

    const failures = [];
    for (let i = 0; i < 4; i += 1) {
      failures.push(await request(shop.orders).post('/orders').set('Idempotency-Key', `checkout-down-${i}`).send(order('p-008')));
    }
    shop.paymentsDown = false;
    const stillOpen = await request(shop.orders).post('/orders').set('Idempotency-Key', 'checkout-open').send(order('p-008'));
    await new Promise((resolve) => setTimeout(resolve, 350));
    const recovered = await request(shop.orders).post('/orders').set('Idempotency-Key', 'checkout-back').send(order('p-008'));

    expect(failures.map((r) => r.status)).toEqual([502, 502, 502, 503]);
    expect(failures[3]?.body.error).toEqual({ code: 'upstream_unavailable', message: 'payments is unavailable (circuit open)' });
    expect(stillOpen.status).toBe(503);
    expect(recovered.status).toBe(201);
    // every failed checkout gave its units back
    expect(await stockOf(shop, 'p-008')).toBe(19);
  });

  it('validates the request, naming the field', async () => {
    shop = await openShop();
    const noKey = await request(shop.orders).post('/orders').send(order()).expect(400);
    const email = await request(shop.orders).post('/orders').set('Idempotency-Key', 'checkout-bad1').send({ ...order(), customerEmail: 'nope' }).expect(400);
    const unknown = await request(shop.orders).post('/orders').set('Idempotency-Key', 'checkout-bad2').send(order('p-999')).expect(422);

    expect(noKey.body.error.message).toMatch(/^idempotency-key: /);
    expect(email.body.error.message).toMatch(/^customerEmail: /);
    expect(unknown.body.error.code).toBe('unknown_product');
  });

  it('never answers random bodies with a 5xx', async () => {
    shop = await openShop();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
        n += 1;
        const res = await request(shop.orders).post('/orders').set('Idempotency-Key', `fuzz-key-${n}`).set('Content-Type', 'application/json').send(JSON.stringify(body));
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
