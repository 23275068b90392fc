/** The orders app: a pure factory that tests drive with supertest; main.ts is the only wiring. */
import { createServiceApp } from '@kit/service';
import type { Lifecycle, Logger } from '@kit/telemetry';
import type { Express } from 'express';
import { ordersRouter, type OrdersDeps } from './routes';

export interface AppDeps extends OrdersDeps {
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
}

export function createApp(deps: AppDeps): Express {
  return createServiceApp({ lifecycle: deps.lifecycle, logger: deps.logger, routes: ordersRouter(deps), jsonLimit: '32kb' });
}
