/** The payments app: a pure factory that tests drive with supertest; main.ts is the only wiring. */
import { createServiceApp, type ServiceChaos } from '@kit/service';
import type { Lifecycle } from '@kit/telemetry';
import type { Express } from 'express';
import { paymentsRouter, type PaymentsDeps } from './routes';

export interface AppDeps extends PaymentsDeps {
  /** Chaos faults and their token, when the service enables chaos. */
  readonly chaos?: ServiceChaos | undefined;
  readonly lifecycle: Lifecycle;
}

export function createApp(deps: AppDeps): Express {
  return createServiceApp({ lifecycle: deps.lifecycle, logger: deps.logger, chaos: deps.chaos, routes: paymentsRouter(deps), jsonLimit: '16kb' });
}
