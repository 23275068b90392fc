/**
 * The store contract, run against the in-memory store and a real PostgreSQL: same answers for the
 * same questions, so `npm start` alone and the full stack behave alike.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, SEED_SIZE } from '../src/products';
import { createMemoryStore, type CatalogStore, type ProductQuery } from '../src/store';
import { createPostgresStore } from '../src/store-postgres';
import { TEST_PG_URL } from './helpers';

let postgres: CatalogStore;
const memory = createMemoryStore();

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${TEST_PG_URL}: start it with scripts/engines.sh (make test does)`, { cause: error });
  }
  await admin.query('DROP TABLE IF EXISTS products');
  await admin.end();
  postgres = await createPostgresStore({ connectionString: TEST_PG_URL });
});
afterAll(() => postgres.close());

describe.each([
  ['memory', () => memory],
  ['postgres', () => postgres],
])('the %s store', (_name, store) => {
  it('holds the 50 seeded products', async () => {
    const page = await store().list({ limit: 100, offset: 0 });
    expect(page.total).toBe(SEED_SIZE);
    expect(page.items.map((p) => p.id)).toEqual(Array.from({ length: SEED_SIZE }, (_, i) => `p-${String(i + 1).padStart(3, '0')}`));
  });

  it('reports the total even past the last page', async () => {
    expect(await store().list({ limit: 10, offset: 200 })).toEqual({ items: [], total: SEED_SIZE });
  });

  it('answers ping and misses unknown ids', async () => {
    await expect(store().ping()).resolves.toBeUndefined();
    expect(await store().get('p-999')).toBeUndefined();
  });
});

describe('PostgreSQL and memory stores', () => {
  it('keep the seed idempotent: a second start adds nothing', async () => {
    const again = await createPostgresStore({ connectionString: TEST_PG_URL });
    expect((await again.list({ limit: 1, offset: 0 })).total).toBe(SEED_SIZE);
    await again.close();
  });

  it('give the same answers to random queries', async () => {
    const query: fc.Arbitrary<ProductQuery> = fc.record({
      category: fc.option(fc.constantFrom(...CATEGORIES), { nil: undefined }),
      q: fc.option(fc.oneof(fc.constantFrom('a', 'kit', 'ECO', 'smart', 'gift', 'pro', '%', '_'), fc.stringMatching(/^[a-z ]{1,6}$/)), { nil: undefined }),
      limit: fc.integer({ min: 1, max: 60 }),
      offset: fc.integer({ min: 0, max: 60 }),
    });
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        expect(await postgres.list(q)).toEqual(await memory.list(q));
      }),
      { numRuns: 60 },
    );
  });

  it('recommend and fall back identically for every product', async () => {
    for (const product of (await memory.list({ limit: 100, offset: 0 })).items) {
      expect(await postgres.related(product, 4)).toEqual(await memory.related(product, 4));
      expect(await postgres.sameCategory(product.category, product.id, 4)).toEqual(await memory.sameCategory(product.category, product.id, 4));
      expect(await postgres.get(product.id)).toEqual(product);
    }
  });
});
