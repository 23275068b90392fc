/** The orders app: a pure factory that tests drive with supertest; main.ts is the only wiring. */
import { createServiceApp, type ServiceChaos } from '@kit/service';
import type { Lifecycle, Logger } from '@kit/telemetry';
import type { Express } from 'express';
import { ordersRouter, type OrdersDeps } from './routes';

export interface AppDeps extends OrdersDeps {
  /** Chaos faults and their token, when the service enables chaos. */
  readonly chaos?: ServiceChaos | undefined;
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
}

export function createApp(deps: AppDeps): Express {
  return createServiceApp({ lifecycle: deps.lifecycle, logger: deps.logger, chaos: deps.chaos, routes: ordersRouter(deps), jsonLimit: '32kb' });
}
