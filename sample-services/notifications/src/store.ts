/**
 * Where notifications keeps the e-mails it sent: one record per order, written only if the order has
 * none yet. That insert-if-absent is the de-duplication (two deliveries of the same order.placed, or
 * a redelivery after a restart, find the first record), so it must be atomic in every store.
 * PostgreSQL in a running stack (store-postgres.ts); the memory store below serves unit tests and
 * `npm start` alone, and forgets on restart.
 */

export interface SentEmail {
  readonly orderId: string;
  readonly to: string;
  readonly subject: string;
  /** ISO 8601, millisecond precision. */
  readonly sentAt: string;
}

export interface NotificationsStore {
  /**
   * Records the e-mail unless one is recorded for its order already. True when this call recorded it
   * (the caller's send counts), false when another delivery got there first (a duplicate).
   */
  recordIfAbsent(email: SentEmail, eventId?: string): Promise<boolean>;
  /** The e-mail sent for an order, whenever it was sent. */
  forOrder(orderId: string): Promise<SentEmail | undefined>;
  /** The latest e-mails, newest first. */
  recent(limit: number): Promise<SentEmail[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** In memory, bounded: past `capacity` records the oldest is forgotten (and so is its de-duplication). */
export function createMemoryStore(options: { capacity?: number } = {}): NotificationsStore {
  const capacity = options.capacity ?? 10_000;
  // insertion order is sending order; a Map keeps it
  const byOrder = new Map<string, SentEmail>();
  return {
    recordIfAbsent(email) {
      if (byOrder.has(email.orderId)) return Promise.resolve(false);
      byOrder.set(email.orderId, { ...email });
      if (byOrder.size > capacity) {
        const oldest = byOrder.keys().next().value;
        if (oldest !== undefined) byOrder.delete(oldest);
      }
      return Promise.resolve(true);
    },
    forOrder: (orderId) => Promise.resolve(byOrder.get(orderId)),
    recent(limit) {
      const all = [...byOrder.values()];
      return Promise.resolve(all.slice(Math.max(0, all.length - limit)).reverse());
    },
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
