/** The inventory app: a pure factory that tests drive with supertest; main.ts is the only wiring. */
import { createServiceApp, type ServiceChaos } from '@kit/service';
import type { Lifecycle } from '@kit/telemetry';
import type { Express } from 'express';
import { inventoryRouter, type InventoryDeps } from './routes';

export interface AppDeps extends InventoryDeps {
  /** Chaos faults and their token, when the service enables chaos. */
  readonly chaos?: ServiceChaos | undefined;
  readonly lifecycle: Lifecycle;
}

export function createApp(deps: AppDeps): Express {
  return createServiceApp({ lifecycle: deps.lifecycle, logger: deps.logger, chaos: deps.chaos, routes: inventoryRouter(deps), jsonLimit: '32kb' });
}
