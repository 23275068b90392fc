/** The payments HTTP routes: create a charge (Idempotency-Key required) and read one back. */
import { AppError, LABEL_RESULT, METRIC_PAYMENTS_CHARGES, NotFoundError, serviceCounter, type Logger } from '@kit/telemetry';
import { trace } from '@opentelemetry/api';
import { Router } from 'express';
import { z } from 'zod';
import type { Provider } from './provider';

export interface PaymentsDeps {
  readonly provider: Provider;
  readonly logger: Logger;
}

const idempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _');
const chargeBody = z
  .object({
    orderId: z.string().min(1).max(64),
    amountMinor: z.number().int().min(1).max(1_000_000),
    currency: z.literal('EUR'),
    card: z.object({ token: z.string().min(3).max(64) }).strict(),
  })
  .strict();

export function paymentsRouter(deps: PaymentsDeps): Router {
  const router = Router();
  const charges = serviceCounter(METRIC_PAYMENTS_CHARGES, 'Charges by result.', [LABEL_RESULT]);

  router.post('/charges', async (req, res) => {
    const key = z.object({ 'idempotency-key': idempotencyKey }).parse(req.headers)['idempotency-key'];
    const body = chargeBody.parse(req.body);
    const outcome = await deps.provider.charge(key, {
      orderId: body.orderId,
      amountMinor: body.amountMinor,
      currency: body.currency,
      cardToken: body.card.token,
    });
    if (outcome.kind === 'key-reused') {
      charges.inc({ result: 'key_reused' });
      throw new AppError(409, 'idempotency_key_reused', 'this Idempotency-Key was used for a different charge');
    }
    const { charge, replayed } = outcome;
    charges.inc({ result: replayed ? 'replayed' : charge.status });
    trace.getActiveSpan()?.setAttribute('kit.payment.status', charge.status);
    if (!replayed) deps.logger.info('charge processed', { charge_id: charge.id, order_id: charge.orderId, status: charge.status });
    // a decline is a valid answer about the card, not a failure of the service
    res.status(charge.status === 'declined' ? 402 : replayed ? 200 : 201).json(charge);
  });

  router.get('/charges/:id', (req, res) => {
    const { id } = z.object({ id: z.string().regex(/^ch_\d{8}$/, 'must look like ch_00000001') }).parse(req.params);
    const charge = deps.provider.get(id);
    if (charge === undefined) throw new NotFoundError(`charge ${id} not found`);
    res.json(charge);
  });

  return router;
}
