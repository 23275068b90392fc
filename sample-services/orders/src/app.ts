/** The orders app: a pure factory that tests drive with supertest; main.ts is the only wiring. */
import { errorHandler, notFound, opsRouter, requestLogger, type Lifecycle, type Logger } from '@kit/telemetry';
import express, { type Express } from 'express';
import { ordersRouter, type OrdersDeps } from './routes';

export interface AppDeps extends OrdersDeps {
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRouter({ lifecycle: deps.lifecycle }));
  app.use(requestLogger(deps.logger));
  app.use(express.json({ limit: '32kb' }));
  app.use(ordersRouter(deps));
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
