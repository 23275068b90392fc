/**
 * The checkout saga: price the lines (catalog), reserve stock (inventory), charge (payments), then
 * commit the order and its event in one transaction. A declined or failed charge releases the stock
 * (compensation). Every step carries the checkout's Idempotency-Key, so a retried checkout finds the
 * same reservation, the same charge and the same order.
 *
 * A keyed checkout is never executed twice at once: it claims its key in the store while it runs, and
 * a second request with the same key meanwhile gets 409 + Retry-After (CheckoutInProgressError); one
 * that arrives after it finished gets the stored order.
 */
import { randomUUID } from 'node:crypto';
import { AppError, LABEL_RESULT, METRIC_ORDERS_CHECKOUTS, UpstreamError, serviceCounter, type Logger } from '@kit/telemetry';
import { DEFAULT_MAX_DEADLINE_MS, DeadlineExceededError, remainingMs, withoutDeadline, type HttpDependency } from '@kit/service';
import { context, propagation, trace } from '@opentelemetry/api';
import type { Order, OrderLine, OutboxEvent } from './domain';
import type { OrdersStore } from './store';

export interface CheckoutDeps {
  readonly store: OrdersStore;
  readonly catalog: HttpDependency;
  readonly inventory: HttpDependency;
  readonly payments: HttpDependency;
  readonly logger: Logger;
}

export interface CheckoutRequest {
  readonly idempotencyKey: string;
  readonly customerEmail: string;
  readonly items: readonly { productId: string; quantity: number }[];
  readonly cardToken: string;
}

/** A checkout with the same Idempotency-Key is still running: come back after `retryAfterSeconds`. */
export class CheckoutInProgressError extends AppError {
  readonly retryAfterSeconds = 1;
  constructor() {
    super(409, 'checkout_in_progress', 'a checkout with this Idempotency-Key is still running; retry after the Retry-After seconds');
  }
}

/** How long a claim outlives the checkout's deadline, so it never ends while the checkout still runs. */
const CLAIM_MARGIN_MS = 2_000;

interface Product {
  id: string;
  name: string;
  priceMinor: number;
}
interface ChargeAnswer {
  id: string;
  status: 'succeeded' | 'declined';
  declineCode?: string;
}
interface StockError {
  error?: { message?: string; details?: unknown };
}

export function createCheckout(deps: CheckoutDeps) {
  const { store, catalog, inventory, payments, logger } = deps;
  const checkouts = serviceCounter(METRIC_ORDERS_CHECKOUTS, 'Checkouts by result.', [LABEL_RESULT]);
  const step = (name: string) => trace.getActiveSpan()?.addEvent(`checkout.${name}`);

  async function price(items: CheckoutRequest['items']): Promise<OrderLine[]> {
    return Promise.all(
      items.map(async ({ productId, quantity }) => {
        const res = await catalog.request<Product>({ method: 'GET', path: `/products/${productId}`, idempotent: true });
        if (res.status === 404) throw new AppError(422, 'unknown_product', `product ${productId} does not exist`);
        if (res.status !== 200) throw new UpstreamError(`catalog answered ${res.status} for ${productId}`);
        return { productId, name: res.data.name, quantity, unitPriceMinor: res.data.priceMinor };
      }),
    );
  }

  async function release(reservationId: string, why: string): Promise<void> {
    try {
      // compensation runs even when the request ran out of time
      await withoutDeadline(() => inventory.request({ method: 'POST', path: `/reservations/${reservationId}/release`, idempotent: true }));
      step('compensated');
      logger.warn('checkout compensated: stock released', { reservation_id: reservationId, reason: why });
    } catch (error) {
      // the reservation stays held; an operator (or a sweeper) can release it by id
      logger.error('compensation failed: reservation still held', { reservation_id: reservationId, 'error.type': error instanceof Error ? error.name : 'Error' });
    }
  }

  const replay = (order: Order) => {
    checkouts.inc({ result: 'replayed' });
    return { order, created: false };
  };

  return async function checkout(request: CheckoutRequest): Promise<{ order: Order; created: boolean }> {
    const key = request.idempotencyKey;
    const existing = await store.byIdempotencyKey(key);
    if (existing !== undefined) return replay(existing);
    const owner = randomUUID();
    const claimMs = Math.min(remainingMs(), DEFAULT_MAX_DEADLINE_MS) + CLAIM_MARGIN_MS;
    if (!(await store.claim(key, owner, claimMs))) {
      // the other one may have finished in between
      const finished = await store.byIdempotencyKey(key);
      if (finished !== undefined) return replay(finished);
      checkouts.inc({ result: 'in_progress' });
      throw new CheckoutInProgressError();
    }
    try {
      // finished between the first look and the claim: answer with it
      const done = await store.byIdempotencyKey(key);
      if (done !== undefined) return replay(done);
      return await place(request);
    } finally {
      await withoutDeadline(() => store.release(key, owner)).catch((error: unknown) => logger.warn('checkout claim not released; it expires by itself', { error: String(error) }));
    }
  };

  async function place(request: CheckoutRequest): Promise<{ order: Order; created: boolean }> {
    const lines = await price(request.items);
    const totalMinor = lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0);
    const reservationId = `ord-${request.idempotencyKey}`;

    const reserved = await inventory.request<StockError>({
      method: 'POST',
      path: '/reservations',
      body: { reservationId, items: request.items },
      idempotent: true,
    });
    if (reserved.status === 409) {
      checkouts.inc({ result: 'out_of_stock' });
      throw new AppError(409, 'insufficient_stock', reserved.data.error?.message ?? 'not enough stock', { details: reserved.data.error?.details });
    }
    if (reserved.status >= 300) throw new UpstreamError(`inventory answered ${reserved.status}`);
    step('reserved');

    let charge: ChargeAnswer;
    try {
      const charged = await payments.request<ChargeAnswer>({
        method: 'POST',
        path: '/charges',
        headers: { 'Idempotency-Key': reservationId },
        body: { orderId: reservationId, amountMinor: totalMinor, currency: 'EUR', card: { token: request.cardToken } },
        idempotent: true,
      });
      if (charged.status === 402) {
        await release(reservationId, 'payment declined');
        checkouts.inc({ result: 'declined' });
        throw new AppError(402, 'payment_declined', `payment declined: ${charged.data.declineCode ?? 'card_declined'}`);
      }
      if (charged.status >= 300) throw new UpstreamError(`payments answered ${charged.status}`);
      charge = charged.data;
    } catch (error) {
      // payments failed, or the deadline passed before it answered: the stock goes back
      if (error instanceof UpstreamError || error instanceof DeadlineExceededError) {
        await release(reservationId, 'payments unavailable');
        checkouts.inc({ result: 'payments_unavailable' });
      }
      throw error;
    }
    step('charged');

    const order: Order = {
      id: `o-${randomUUID()}`,
      idempotencyKey: request.idempotencyKey,
      status: 'confirmed',
      customerEmail: request.customerEmail,
      lines,
      totalMinor,
      currency: 'EUR',
      chargeId: charge.id,
      reservationId,
      createdAt: new Date().toISOString(),
    };
    const headers: Record<string, string> = {};
    propagation.inject(context.active(), headers);
    const event: OutboxEvent = {
      id: `evt-${order.id}`,
      type: 'order.placed',
      payload: { orderId: order.id, customerEmail: order.customerEmail, totalMinor, currency: 'EUR' },
      headers,
    };
    const saved = await store.create(order, event);
    step('committed');
    // the order is committed: finishing the reservation is clean-up, done even past the deadline
    await withoutDeadline(() => inventory.request({ method: 'POST', path: `/reservations/${reservationId}/commit`, idempotent: true }))
      .catch((error: unknown) => logger.warn('reservation commit failed; it stays reserved', { reservation_id: reservationId, error: String(error) }));
    checkouts.inc({ result: saved.created ? 'placed' : 'replayed' });
    if (saved.created) logger.info('order placed', { order_id: order.id, total_minor: totalMinor, lines: lines.length });
    return saved;
  }
}

export type Checkout = ReturnType<typeof createCheckout>;
