/** The payments app: a pure factory that tests drive with supertest; main.ts is the only wiring. */
import { errorHandler, notFound, opsRouter, requestLogger, type Lifecycle } from '@kit/telemetry';
import express, { type Express } from 'express';
import { paymentsRouter, type PaymentsDeps } from './routes';

export interface AppDeps extends PaymentsDeps {
  readonly lifecycle: Lifecycle;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRouter({ lifecycle: deps.lifecycle }));
  app.use(requestLogger(deps.logger));
  app.use(express.json({ limit: '16kb' }));
  app.use(paymentsRouter(deps));
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
