/** The notifications app: health, metrics and the latest emails sent. */
import { createServiceApp, type ServiceChaos } from '@kit/service';
import type { Lifecycle, Logger } from '@kit/telemetry';
import { Router, type Express } from 'express';
import type { Mailer } from './mailer';

export function createApp(deps: { lifecycle: Lifecycle; logger: Logger; chaos?: ServiceChaos | undefined; mailer: Mailer }): Express {
  const routes = Router();
  routes.get('/notifications', (_req, res) => {
    res.json({ items: deps.mailer.recent() });
  });
  return createServiceApp({ lifecycle: deps.lifecycle, logger: deps.logger, chaos: deps.chaos, routes });
}
