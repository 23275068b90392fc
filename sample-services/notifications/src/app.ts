/** The notifications app: health, metrics and the latest emails sent (newest first, filterable by order). */
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
  routes.get('/notifications', (req, res) => {
    const { orderId, limit } = recentQuery.parse(req.query);
    const items = deps.mailer.recent().filter((email) => orderId === undefined || email.orderId === orderId);
    res.json({ items: items.slice(0, limit) });
  });
  return createServiceApp({ lifecycle: deps.lifecycle, logger: deps.logger, chaos: deps.chaos, routes });
}
