/** The orders domain: an order as stored, and the event it publishes when placed. */
export interface OrderLine {
  readonly productId: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
}

export interface Order {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly status: 'confirmed';
  readonly customerEmail: string;
  readonly lines: readonly OrderLine[];
  readonly totalMinor: number;
  readonly currency: 'EUR';
  readonly chargeId: string;
  readonly reservationId: string;
  readonly createdAt: string;
}

/** What goes to the broker through the outbox; `headers` carry the W3C trace context. */
export interface OutboxEvent {
  readonly id: string;
  readonly type: 'order.placed';
  readonly payload: { readonly orderId: string; readonly customerEmail: string; readonly totalMinor: number; readonly currency: 'EUR' };
  readonly headers: Record<string, string>;
}
