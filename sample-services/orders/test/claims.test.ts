/**
 * A keyed checkout is never executed twice at once, with the in-memory store and with a real
 * PostgreSQL (scripts/engines.sh starts it; run under the shared lock): the store's claim contract,
 * and the checkout that uses it (409 + Retry-After while the first runs, the stored order after).
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_DEPENDENCY_SETTINGS } from '@kit/service';
import pg from 'pg';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore, type OrdersStore } from '../src/store';
import { createPostgresStore } from '../src/store-postgres';
import { openShop, order, stockOf, type Shop } from './helpers';

const PG_URL = process.env.KIT_TEST_PG_URL ?? 'postgres://kit:kit@127.0.0.1:5432/kit_test';

let postgres: OrdersStore;
beforeAll(async () => {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect().catch((error: unknown) => {
    throw new Error(`PostgreSQL is not reachable at ${PG_URL}: start it with scripts/engines.sh`, { cause: error });
  });
  await admin.query('DROP TABLE IF EXISTS checkout_claims');
  await admin.end();
  postgres = await createPostgresStore(PG_URL);
});
afterAll(() => postgres.close());

let shop: Shop | undefined;
afterEach(() => {
  shop?.close();
  shop = undefined;
});

const key = () => `claim-${randomUUID().slice(0, 18)}`;

describe.each([
  ['memory', () => createMemoryStore()],
  ['postgres', () => postgres],
])('the %s store', (_name, storeOf) => {
  it('gives a key to one owner at a time, and to the next once released', async () => {
    const store = storeOf();
    const k = key();

    expect(await store.claim(k, 'first', 10_000)).toBe(true);
    expect(await store.claim(k, 'second', 10_000)).toBe(false);
    // releasing someone else's claim does nothing
    await store.release(k, 'second');
    expect(await store.claim(k, 'third', 10_000)).toBe(false);
    await store.release(k, 'first');
    expect(await store.claim(k, 'second', 10_000)).toBe(true);
  });

  it('lets exactly one of many simultaneous claims win', async () => {
    const store = storeOf();
    const k = key();

    const won = await Promise.all(Array.from({ length: 12 }, (_, i) => store.claim(k, `owner-${String(i)}`, 10_000)));

    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('lets a claim whose owner never released it expire, so a dead checkout does not block its key', async () => {
    const store = storeOf();
    const k = key();
    expect(await store.claim(k, 'vanished', 100)).toBe(true);
    expect(await store.claim(k, 'next', 10_000)).toBe(false);

    await expect.poll(() => store.claim(k, 'next', 10_000), { timeout: 5_000, interval: 50, message: 'the expired claim was never taken over' }).toBe(true);
  });

  it('answers a second checkout with the same key 409 + Retry-After while the first runs, and the stored order after it', async () => {
    const store = storeOf();
    shop = await openShop({ store, paymentsSettings: { ...DEFAULT_DEPENDENCY_SETTINGS, timeoutMs: 10_000, retries: 0 } });
    const current = shop;
    const release = current.holdPayments();
    const k = key();

    const first = request(current.orders).post('/orders').set('Idempotency-Key', k).send(order('p-007', 1)).then((r) => r);
    await expect.poll(() => current.paymentsCalls, { timeout: 5_000, message: 'the first checkout never reached payments' }).toBe(1);
    const second = await request(current.orders).post('/orders').set('Idempotency-Key', k).send(order('p-007', 1));
    release();
    const placed = await first;
    const third = await request(current.orders).post('/orders').set('Idempotency-Key', k).send(order('p-007', 1));

    expect(second.status).toBe(409);
    expect(second.headers['retry-after']).toBe('1');
    expect(second.body).toEqual({ error: { code: 'checkout_in_progress', message: expect.stringContaining('still running') as unknown } });
    expect(placed.status).toBe(201);
    expect(third.status).toBe(200);
    expect((third.body as { id: string }).id).toBe((placed.body as { id: string }).id);
    // charged once, reserved once
    expect(current.paymentsCalls).toBe(1);
    expect(await stockOf(current, 'p-007')).toBe(19);
  });
});
