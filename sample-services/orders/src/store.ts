/**
 * What orders need from storage: orders keyed by id and by Idempotency-Key, and the transactional
 * outbox (an order and its event are written in one transaction, so neither exists without the
 * other). The in-memory store is used when DATABASE_URL is unset.
 */
import type { Order, OutboxEvent } from './domain';

export interface OrdersStore {
  byIdempotencyKey(key: string): Promise<Order | undefined>;
  get(id: string): Promise<Order | undefined>;
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
  return {
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
