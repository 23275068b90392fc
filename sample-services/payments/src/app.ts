/** The payments app: a pure factory that tests drive with supertest; main.ts is the only wiring. */
import { createServiceApp, type ServiceChaos } from '@kit/service';
import type { Lifecycle } from '@kit/telemetry';
import { Router, type Express } from 'express';
import { paymentsRouter, type PaymentsDeps } from './routes';

export interface AppDeps extends PaymentsDeps {
  /** Chaos faults and their token, when the service enables chaos. */
  readonly chaos?: ServiceChaos | undefined;
  readonly lifecycle: Lifecycle;
  /** Operator routes (runtime configuration), mounted only when the service has an admin token. */
  readonly adminRoutes?: Router | undefined;
}

export function createApp(deps: AppDeps): Express {
  const routes = Router();
  if (deps.adminRoutes !== undefined) routes.use(deps.adminRoutes);
  routes.use(paymentsRouter(deps));
  return createServiceApp({ lifecycle: deps.lifecycle, logger: deps.logger, chaos: deps.chaos, routes, jsonLimit: '16kb' });
}
