/** The notifications app: health, metrics and the latest emails sent. */
import { errorHandler, notFound, opsRouter, requestLogger, type Lifecycle, type Logger } from '@kit/telemetry';
import express, { type Express } from 'express';
import type { Mailer } from './mailer';

export function createApp(deps: { lifecycle: Lifecycle; logger: Logger; mailer: Mailer }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRouter({ lifecycle: deps.lifecycle }));
  app.use(requestLogger(deps.logger));
  app.get('/notifications', (_req, res) => {
    res.json({ items: deps.mailer.recent() });
  });
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
