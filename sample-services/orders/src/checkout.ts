/**
 * The checkout saga: price the lines (catalog), reserve stock (inventory), charge (payments), then
 * commit the order and its event in one transaction. A declined or failed charge releases the stock
 * (compensation). Every step carries the checkout's Idempotency-Key, so a retried checkout finds the
 * same reservation, the same charge and the same order.
 */
import { randomUUID } from 'node:crypto';
import { AppError, LABEL_RESULT, METRIC_ORDERS_CHECKOUTS, UpstreamError, serviceCounter, type Logger } from '@kit/telemetry';
import type { HttpDependency } from '@kit/service';
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
      await inventory.request({ method: 'POST', path: `/reservations/${reservationId}/release`, idempotent: true });
      step('compensated');
      logger.warn('checkout compensated: stock released', { reservation_id: reservationId, reason: why });
    } catch (error) {
      // the reservation stays held; an operator (or a sweeper) can release it by id
      logger.error('compensation failed: reservation still held', { reservation_id: reservationId, 'error.type': error instanceof Error ? error.name : 'Error' });
    }
  }

  return async function checkout(request: CheckoutRequest): Promise<{ order: Order; created: boolean }> {
    const existing = await store.byIdempotencyKey(request.idempotencyKey);
    if (existing !== undefined) {
      checkouts.inc({ result: 'replayed' });
      return { order: existing, created: false };
    }
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
      if (error instanceof UpstreamError) {
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
    await inventory
      .request({ method: 'POST', path: `/reservations/${reservationId}/commit`, idempotent: true })
      .catch((error: unknown) => logger.warn('reservation commit failed; it stays reserved', { reservation_id: reservationId, error: String(error) }));
    checkouts.inc({ result: saved.created ? 'placed' : 'replayed' });
    if (saved.created) logger.info('order placed', { order_id: order.id, total_minor: totalMinor, lines: lines.length });
    return saved;
  };
}

export type Checkout = ReturnType<typeof createCheckout>;
