/** The payments app: a pure factory that tests drive with supertest; main.ts is the only wiring. */
import { createServiceApp } from '@kit/service';
import type { Lifecycle } from '@kit/telemetry';
import type { Express } from 'express';
import { paymentsRouter, type PaymentsDeps } from './routes';

export interface AppDeps extends PaymentsDeps {
  readonly lifecycle: Lifecycle;
}

export function createApp(deps: AppDeps): Express {
  return createServiceApp({ lifecycle: deps.lifecycle, logger: deps.logger, routes: paymentsRouter(deps), jsonLimit: '16kb' });
}
