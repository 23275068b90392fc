/**
 * What orders need from storage: orders keyed by id and by Idempotency-Key, and the transactional
 * outbox (an order and its event are written in one transaction, so neither exists without the
 * other). The in-memory store is used when DATABASE_URL is unset.
 *
 * A checkout claims its Idempotency-Key for as long as it runs, so a second request with the same key
 * is never executed at the same time (orders answers it 409 + Retry-After). In PostgreSQL the claim is
 * a row, so it holds across replicas; it expires by itself, so a replica that dies mid-checkout does
 * not block the key for longer than the claim's lifetime.
 */
import type { Order, OutboxEvent } from './domain';

export interface OrdersStore {
  byIdempotencyKey(key: string): Promise<Order | undefined>;
  get(id: string): Promise<Order | undefined>;
  /**
   * Claims `key` for `owner` for `ttlMs`; false while another owner's claim on it has not expired.
   * A claim of an expired owner is taken over.
   */
  claim(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Ends `owner`'s claim on `key` (a no-op when it expired and someone else holds it now). */
  release(key: string, owner: string): Promise<void>;
  /** Saves the order and its event together; when the key already has an order, returns that one. */
  create(order: Order, event: OutboxEvent): Promise<{ order: Order; created: boolean }>;
  /** Oldest unpublished events first. */
  pendingEvents(limit: number): Promise<OutboxEvent[]>;
  markPublished(ids: readonly string[]): Promise<void>;
  pendingCount(): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createMemoryStore(): OrdersStore {
  const orders = new Map<string, Order>();
  const byKey = new Map<string, string>();
  const outbox: { event: OutboxEvent; published: boolean }[] = [];
  const claims = new Map<string, { owner: string; until: number }>();
  return {
    claim(key, owner, ttlMs) {
      const held = claims.get(key);
      if (held !== undefined && held.owner !== owner && held.until > Date.now()) return Promise.resolve(false);
      claims.set(key, { owner, until: Date.now() + ttlMs });
      return Promise.resolve(true);
    },
    release(key, owner) {
      if (claims.get(key)?.owner === owner) claims.delete(key);
      return Promise.resolve();
    },
    byIdempotencyKey(key) {
      const id = byKey.get(key);
      return Promise.resolve(id === undefined ? undefined : orders.get(id));
    },
    get: (id) => Promise.resolve(orders.get(id)),
    create(order, event) {
      const existing = byKey.get(order.idempotencyKey);
      if (existing !== undefined) {
        const found = orders.get(existing);
        if (found !== undefined) return Promise.resolve({ order: found, created: false });
      }
      orders.set(order.id, order);
      byKey.set(order.idempotencyKey, order.id);
      outbox.push({ event, published: false });
      return Promise.resolve({ order, created: true });
    },
    pendingEvents: (limit) => Promise.resolve(outbox.filter((e) => !e.published).slice(0, limit).map((e) => e.event)),
    markPublished(ids) {
      for (const entry of outbox) if (ids.includes(entry.event.id)) entry.published = true;
      return Promise.resolve();
    },
    pendingCount: () => Promise.resolve(outbox.filter((e) => !e.published).length),
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
