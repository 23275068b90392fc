/** The reservation contract, against the in-memory store and a real Redis. */
import { afterEach, describe, expect, it } from 'vitest';
import type { InventoryStore } from '../src/store';
import { STORES } from './helpers';

describe.each(STORES)('the %s store', (_name, open) => {
  let store: InventoryStore | undefined;
  const fresh = async () => (store = await open());
  afterEach(async () => store?.close());

  it('sells exactly the last 10 units to 200 concurrent reservations', async () => {
    const inventory = await fresh();
    await inventory.setAvailable('p-001', 10);

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => inventory.reserve(`r-${i}`, [{ productId: 'p-001', quantity: 1 }])),
    );

    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(await inventory.available('p-001')).toBe(0);
  });

  it('reserves several products all or nothing', async () => {
    const inventory = await fresh();
    await inventory.setAvailable('p-002', 3);
    const before = await inventory.available('p-001');

    const result = await inventory.reserve('r-multi', [
      { productId: 'p-001', quantity: 1 },
      { productId: 'p-002', quantity: 5 },
    ]);

    expect(result).toEqual({ ok: false, productId: 'p-002', available: 3 });
    expect(await inventory.available('p-001')).toBe(before);
    expect(await inventory.get('r-multi')).toBeUndefined();
  });

  it('treats the reservation id as an idempotency key and merges duplicate lines', async () => {
    const inventory = await fresh();
    const first = await inventory.reserve('r-1', [
      { productId: 'p-003', quantity: 1 },
      { productId: 'p-003', quantity: 2 },
    ]);
    const replay = await inventory.reserve('r-1', [{ productId: 'p-003', quantity: 3 }]);

    expect(first).toMatchObject({ ok: true, replayed: false, reservation: { items: [{ productId: 'p-003', quantity: 3 }] } });
    expect(replay).toMatchObject({ ok: true, replayed: true });
    expect(await inventory.available('p-003')).toBe(97);
  });

  it('puts units back once on release, and refuses to commit what was released', async () => {
    const inventory = await fresh();
    await inventory.reserve('r-2', [{ productId: 'p-004', quantity: 4 }]);

    const released = await inventory.end('r-2', 'released');
    const again = await inventory.end('r-2', 'released');
    const commit = await inventory.end('r-2', 'committed');

    expect(released).toMatchObject({ ok: true, changed: true, reservation: { status: 'released' } });
    expect(again).toMatchObject({ ok: true, changed: false });
    expect(commit).toEqual({ ok: false, reason: 'conflict', status: 'released' });
    expect(await inventory.available('p-004')).toBe(100);
    expect(await inventory.end('nope', 'released')).toEqual({ ok: false, reason: 'unknown' });
  });

  it('keeps committed units sold', async () => {
    const inventory = await fresh();
    await inventory.reserve('r-3', [{ productId: 'p-005', quantity: 2 }]);
    await inventory.end('r-3', 'committed');

    expect(await inventory.end('r-3', 'released')).toMatchObject({ ok: false, reason: 'conflict' });
    expect(await inventory.available('p-005')).toBe(98);
  });
});
