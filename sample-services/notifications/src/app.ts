/** The notifications app: health, metrics, the latest e-mails sent (newest first) and the e-mail of any order. */
import { createServiceApp, type ServiceChaos } from '@kit/service';
import type { Lifecycle, Logger } from '@kit/telemetry';
import { Router, type Express } from 'express';
import { z } from 'zod';
import type { Mailer } from './mailer';

const recentQuery = z
  .object({
    orderId: z.string().regex(/^o-[0-9a-f-]{36}$/, 'must be an order id').optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export function createApp(deps: {
  lifecycle: Lifecycle;
  logger: Logger;
  chaos?: ServiceChaos | undefined;
  mailer: Mailer;
  /** Operator routes (runtime configuration), mounted only when the service has an admin token. */
  adminRoutes?: Router | undefined;
}): Express {
  const routes = Router();
  if (deps.adminRoutes !== undefined) routes.use(deps.adminRoutes);
  routes.get('/notifications', async (req, res) => {
    const { orderId, limit } = recentQuery.parse(req.query);
    if (orderId === undefined) {
      res.json({ items: await deps.mailer.recent(limit) });
      return;
    }
    // by its key: an order confirmed long ago is found as readily as the last one
    const email = await deps.mailer.forOrder(orderId);
    res.json({ items: email === undefined ? [] : [email] });
  });
  return createServiceApp({ lifecycle: deps.lifecycle, logger: deps.logger, chaos: deps.chaos, routes });
}
