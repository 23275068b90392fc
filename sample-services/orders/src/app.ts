/** The orders app: a pure factory that tests drive with supertest; main.ts is the only wiring. */
import { createServiceApp, type ServiceChaos } from '@kit/service';
import type { Lifecycle, Logger } from '@kit/telemetry';
import { Router, type Express } from 'express';
import { ordersRouter, type OrdersDeps } from './routes';

export interface AppDeps extends OrdersDeps {
  /** Chaos faults and their token, when the service enables chaos. */
  readonly chaos?: ServiceChaos | undefined;
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
  /** Operator routes (runtime configuration), mounted only when the service has an admin token. */
  readonly adminRoutes?: Router | undefined;
}

export function createApp(deps: AppDeps): Express {
  const routes = Router();
  if (deps.adminRoutes !== undefined) routes.use(deps.adminRoutes);
  routes.use(ordersRouter(deps));
  return createServiceApp({ lifecycle: deps.lifecycle, logger: deps.logger, chaos: deps.chaos, routes, jsonLimit: '32kb' });
}
