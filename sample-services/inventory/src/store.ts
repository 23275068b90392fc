/**
 * What the inventory needs from storage, and the in-memory implementation used when REDIS_URL is
 * unset. Both stores reserve several products atomically (all or nothing), so concurrent checkouts
 * never oversell, and both treat a reservation id as an idempotency key.
 */
export interface ReservationItem {
  readonly productId: string;
  readonly quantity: number;
}

export type ReservationStatus = 'reserved' | 'released' | 'committed';

export interface Reservation {
  readonly id: string;
  readonly items: readonly ReservationItem[];
  readonly status: ReservationStatus;
}

export type ReserveResult =
  | { readonly ok: true; readonly reservation: Reservation; readonly replayed: boolean }
  | { readonly ok: false; readonly productId: string; readonly available: number };

/** Ending a reservation: `conflict` when it already ended the other way. */
export type TransitionResult =
  | { readonly ok: true; readonly reservation: Reservation; readonly changed: boolean }
  | { readonly ok: false; readonly reason: 'unknown' | 'conflict'; readonly status?: ReservationStatus };

export interface InventoryStore {
  /** Units available, or undefined for a product the inventory does not know. */
  available(productId: string): Promise<number | undefined>;
  setAvailable(productId: string, quantity: number): Promise<void>;
  reserve(id: string, items: readonly ReservationItem[]): Promise<ReserveResult>;
  /** `released` puts the units back; `committed` keeps them sold. Replays are no-ops. */
  end(id: string, to: 'released' | 'committed'): Promise<TransitionResult>;
  get(id: string): Promise<Reservation | undefined>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Merges duplicate product lines, so `[a×1, a×2]` reserves a×3. */
export function mergeItems(items: readonly ReservationItem[]): ReservationItem[] {
  const totals = new Map<string, number>();
  for (const { productId, quantity } of items) totals.set(productId, (totals.get(productId) ?? 0) + quantity);
  return [...totals].map(([productId, quantity]) => ({ productId, quantity }));
}

/** Products p-001 … p-050 (the catalog's seed), each starting with `stock` units. */
export function seedStock(stock: number): Map<string, number> {
  return new Map(Array.from({ length: 50 }, (_, i) => [`p-${String(i + 1).padStart(3, '0')}`, stock]));
}

export function createMemoryStore(initialStock = 100): InventoryStore {
  const stock = seedStock(initialStock);
  const reservations = new Map<string, Reservation>();
  return {
    available: (productId) => Promise.resolve(stock.get(productId)),
    setAvailable(productId, quantity) {
      stock.set(productId, quantity);
      return Promise.resolve();
    },
    reserve(id, requested) {
      const existing = reservations.get(id);
      if (existing !== undefined) return Promise.resolve({ ok: true, reservation: existing, replayed: true });
      const items = mergeItems(requested);
      for (const { productId, quantity } of items) {
        const have = stock.get(productId) ?? 0;
        if (have < quantity) return Promise.resolve({ ok: false, productId, available: have });
      }
      for (const { productId, quantity } of items) stock.set(productId, (stock.get(productId) ?? 0) - quantity);
      const reservation: Reservation = { id, items, status: 'reserved' };
      reservations.set(id, reservation);
      return Promise.resolve({ ok: true, reservation, replayed: false });
    },
    end(id, to) {
      const current = reservations.get(id);
      if (current === undefined) return Promise.resolve({ ok: false, reason: 'unknown' });
      if (current.status === to) return Promise.resolve({ ok: true, reservation: current, changed: false });
      if (current.status !== 'reserved') return Promise.resolve({ ok: false, reason: 'conflict', status: current.status });
      if (to === 'released') {
        for (const { productId, quantity } of current.items) stock.set(productId, (stock.get(productId) ?? 0) + quantity);
      }
      const reservation: Reservation = { ...current, status: to };
      reservations.set(id, reservation);
      return Promise.resolve({ ok: true, reservation, changed: true });
    },
    get: (id) => Promise.resolve(reservations.get(id)),
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
