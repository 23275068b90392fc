/** The catalog app: a pure factory that tests drive with supertest; main.ts is the only wiring. */
import { type Lifecycle, errorHandler, notFound, opsRouter, requestLogger } from '@kit/telemetry';
import express, { type Express } from 'express';
import { catalogRouter, type CatalogDeps } from './routes';

export interface AppDeps extends CatalogDeps {
  readonly lifecycle: Lifecycle;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(opsRouter({ lifecycle: deps.lifecycle }));
  app.use(requestLogger(deps.logger));
  app.use(catalogRouter(deps));
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
