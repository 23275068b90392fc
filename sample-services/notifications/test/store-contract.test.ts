/**
 * The store contract, run against the in-memory store and a real PostgreSQL (scripts/engines.sh
 * starts it): one e-mail per order however many deliveries race to record it, any order found by its
 * id, the latest listed newest first — and the PostgreSQL one keeps all of it across a restart.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore, type NotificationsStore, type SentEmail } from '../src/store';
import { createPostgresStore } from '../src/store-postgres';

/** PostgreSQL for tests; no skip: without the engine these tests fail and say how to start it. */
const TEST_PG_URL = process.env.KIT_TEST_PG_URL ?? 'postgres://kit:kit@127.0.0.1:5432/kit_test';

let postgres: NotificationsStore;

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${TEST_PG_URL}: start it with scripts/engines.sh (make test does)`, { cause: error });
  }
  await admin.query('DROP TABLE IF EXISTS sent_emails');
  await admin.end();
  postgres = await createPostgresStore(TEST_PG_URL);
});
afterAll(() => postgres.close());

let clock = Date.parse('2026-01-01T00:00:00.000Z');
const email = (orderId = `o-${randomUUID()}`): SentEmail => {
  clock += 1_001;
  return { orderId, to: 'ada@example.com', subject: `Your order ${orderId} is confirmed (12.99 EUR)`, sentAt: new Date(clock).toISOString() };
};

describe.each([
  ['memory', () => createMemoryStore()],
  ['postgres', () => postgres],
])('the %s store', (_name, open) => {
  let store: NotificationsStore;
  beforeAll(() => {
    store = open();
  });

  it('records an order\'s e-mail once: a second delivery, even with another event id, is told it is a duplicate', async () => {
    const first = email();
    expect(await store.recordIfAbsent(first, 'evt-1')).toBe(true);
    expect(await store.recordIfAbsent({ ...first, sentAt: new Date().toISOString() }, 'evt-1')).toBe(false);
    expect(await store.recordIfAbsent(first, 'evt-other')).toBe(false);
    expect(await store.forOrder(first.orderId)).toEqual(first);
  });

  it('lets exactly one of twenty concurrent deliveries of an order record it', async () => {
    const mail = email();
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => store.recordIfAbsent({ ...mail, subject: `${mail.subject} #${String(i)}` }, `evt-${mail.orderId}`)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    const kept = await store.forOrder(mail.orderId);
    expect(kept?.subject).toBe(`${mail.subject} #${String(outcomes.indexOf(true))}`);
  });

  it('finds any order by its id, however many e-mails came after it, and misses unknown ones', async () => {
    const oldest = email();
    await store.recordIfAbsent(oldest);
    for (let i = 0; i < 150; i += 1) await store.recordIfAbsent(email());
    expect(await store.forOrder(oldest.orderId)).toEqual(oldest);
    expect(await store.forOrder(`o-${randomUUID()}`)).toBeUndefined();
  });

  it('lists the latest e-mails newest first, up to the limit', async () => {
    const latest = [email(), email(), email()];
    for (const mail of latest) await store.recordIfAbsent(mail);
    expect(await store.recent(3)).toEqual([...latest].reverse());
    expect(await store.recent(1)).toEqual([latest[2]]);
    expect(await store.recent(100)).toHaveLength(100);
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

describe('the PostgreSQL store across a restart', () => {
  it('still has every e-mail, and still refuses a second one for the same order', async () => {
    const before = email();
    expect(await postgres.recordIfAbsent(before, 'evt-restart')).toBe(true);
    const restarted = await createPostgresStore(TEST_PG_URL);
    try {
      expect(await restarted.forOrder(before.orderId)).toEqual(before);
      expect(await restarted.recordIfAbsent(before, 'evt-restart')).toBe(false);
      expect((await restarted.recent(1))[0]).toEqual(before);
    } finally {
      await restarted.close();
    }
  });
});

describe('the memory store', () => {
  it('forgets the oldest past its capacity, so it never grows without bound', async () => {
    const small = createMemoryStore({ capacity: 3 });
    const mails = [email(), email(), email(), email()];
    for (const mail of mails) await small.recordIfAbsent(mail);
    expect(await small.recent(10)).toEqual(mails.slice(1).reverse());
    expect(await small.forOrder(mails[0]?.orderId ?? '')).toBeUndefined();
  });
});
