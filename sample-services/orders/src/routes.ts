/** The orders HTTP routes: place an order (Idempotency-Key required) and read one back. */
import { NotFoundError } from '@kit/telemetry';
import { Router } from 'express';
import { z } from 'zod';
import { CheckoutInProgressError, type Checkout } from './checkout';
import type { OrdersStore } from './store';

export interface OrdersDeps {
  readonly store: OrdersStore;
  readonly checkout: Checkout;
}

const keyHeader = z.object({ 'idempotency-key': z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, - or _') });
const orderBody = z
  .object({
    customerEmail: z.email().max(200),
    items: z
      .array(z.object({ productId: z.string().regex(/^p-\d{3}$/, 'must look like p-001'), quantity: z.number().int().min(1).max(10) }).strict())
      .min(1)
      .max(20),
    card: z.object({ token: z.string().min(3).max(64) }).strict(),
  })
  .strict();
const orderParams = z.object({ id: z.string().regex(/^o-[0-9a-f-]{36}$/, 'must be an order id') });

export function ordersRouter(deps: OrdersDeps): Router {
  const router = Router();

  router.post('/orders', async (req, res) => {
    const key = keyHeader.parse(req.headers)['idempotency-key'];
    const body = orderBody.parse(req.body);
    const { order, created } = await deps
      .checkout({
        idempotencyKey: key,
        customerEmail: body.customerEmail,
        items: body.items,
        cardToken: body.card.token,
      })
      .catch((error: unknown) => {
        if (error instanceof CheckoutInProgressError) res.set('Retry-After', String(error.retryAfterSeconds));
        throw error;
      });
    res.status(created ? 201 : 200).location(`/orders/${order.id}`).json(order);
  });

  router.get('/orders/:id', async (req, res) => {
    const { id } = orderParams.parse(req.params);
    const order = await deps.store.get(id);
    if (order === undefined) throw new NotFoundError(`order ${id} not found`);
    res.json(order);
  });

  return router;
}
