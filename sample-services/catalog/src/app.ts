/** The catalog app: a pure factory that tests drive with supertest; main.ts is the only wiring. */
import { createServiceApp } from '@kit/service';
import type { Lifecycle } from '@kit/telemetry';
import type { Express } from 'express';
import { catalogRouter, type CatalogDeps } from './routes';

export interface AppDeps extends CatalogDeps {
  readonly lifecycle: Lifecycle;
}

export function createApp(deps: AppDeps): Express {
  const app = createServiceApp({ lifecycle: deps.lifecycle, logger: deps.logger, routes: catalogRouter(deps) });
  // repeated keys (?q=a&q=b) become arrays with the extended parser; the simple one keeps strings
  app.set('query parser', 'simple');
  return app;
}
