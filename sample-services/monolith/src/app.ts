/**
 * The monolith app: the same shop as one Express process. The public layer is the gateway's own
 * `createApp` (routes, rate limit, request id, CORS, health, admin guard, chaos API), and behind it
 * the five services' own `createApp`s are mounted as modules, each with its own store. Calls between
 * them — gateway to module, orders to catalog, inventory and payments — are in-process dependencies
 * (see in-process.ts); no service code is copied. main.ts is the only wiring.
 */
import { createApp as catalogApp } from '@kit/catalog/app';
import type { RecommendationSettings } from '@kit/catalog/routes';
import type { CatalogStore } from '@kit/catalog/store';
import { createApp as gatewayApp, type ChaosControl, type Deadlines } from '@kit/gateway/app';
import type { StorefrontOptions } from '@kit/gateway/storefront';
import { createApp as inventoryApp } from '@kit/inventory/app';
import type { InventoryStore } from '@kit/inventory/store';
import { createApp as notificationsApp } from '@kit/notifications/app';
import type { Mailer } from '@kit/notifications/mailer';
import type { NotificationsStore } from '@kit/notifications/store';
import { createApp as ordersApp } from '@kit/orders/app';
import { createCheckout } from '@kit/orders/checkout';
import type { OrdersStore } from '@kit/orders/store';
import { createApp as paymentsApp } from '@kit/payments/app';
import type { Provider } from '@kit/payments/provider';
import { DEFAULT_DEPENDENCY_SETTINGS, type Chaos, type HttpDependency } from '@kit/service';
import { Lifecycle, type Logger } from '@kit/telemetry';
import type { Express } from 'express';
import { createInProcessDependency, dispatchInto, injectable, type ModuleScope } from './in-process';

export const MODULES = ['catalog', 'orders', 'inventory', 'payments', 'notifications'] as const;
export type ModuleName = (typeof MODULES)[number];

export interface MonolithDeps {
  /** The process's lifecycle: the public layer's readiness and liveness. */
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
  readonly scope: ModuleScope;
  readonly stores: { readonly catalog: CatalogStore; readonly orders: OrdersStore; readonly inventory: InventoryStore; readonly notifications: NotificationsStore };
  readonly provider: Provider;
  readonly mailer: Mailer;
  /** Whether the order.placed consumer holds its broker connection (notifications' readiness). */
  readonly consumerConnected?: () => boolean;
  readonly recommendations: () => RecommendationSettings;
  /** Per-attempt budgets: calls to catalog and inventory, charges, and calls from the public layer. */
  readonly budgets: { readonly upstreamMs: number; readonly paymentsMs: number; readonly publicMs: number };
  /** The public layer's deadline policy (the gateway's): every request's total budget, and a checkout's. */
  readonly deadlines?: Deadlines | undefined;
  readonly rateLimitPerMinute: number;
  readonly corsOrigins: readonly string[];
  readonly adminToken?: string | undefined;
  /** The browser storefront the public layer serves at `/`, as the gateway does. */
  readonly storefront?: StorefrontOptions | undefined;
  /** Chaos: the token, the public layer's own faults and each module's. */
  readonly chaos?: { readonly token: string; readonly gateway: Chaos; readonly modules: Readonly<Record<ModuleName, Chaos>> } | undefined;
}

export function createApp(deps: MonolithDeps): Express {
  const { scope } = deps;
  const log = (module: ModuleName) => deps.logger.child({ module });
  const chaosOf = (module: ModuleName) => (deps.chaos === undefined ? undefined : { faults: deps.chaos.modules[module], token: deps.chaos.token });
  // each module answers its own /readyz (the public /api/health asks each one, as in services mode)
  const lifecycle = (checks: ConstructorParameters<typeof Lifecycle>[0] = []) => {
    const own = new Lifecycle(checks);
    own.markStarted();
    return own;
  };
  const budget = (timeoutMs: number) => ({ ...DEFAULT_DEPENDENCY_SETTINGS, timeoutMs });

  const apps: Partial<Record<ModuleName, Express>> = {};
  const dependencies: Partial<Record<ModuleName, HttpDependency>> = {};
  // one set of policies per module, shared by every caller in the process (the label is the module)
  const dependency = (module: ModuleName, timeoutMs: number): HttpDependency =>
    (dependencies[module] ??= createInProcessDependency({
      name: module,
      scope,
      logger: deps.logger,
      settings: budget(timeoutMs),
      app: mounted(module),
    }));
  const mounted = (module: ModuleName): Express => {
    const app = apps[module];
    if (app === undefined) throw new Error(`module ${module} is used before it is mounted`);
    return app;
  };

  apps.catalog = injectable(catalogApp({
    store: deps.stores.catalog,
    logger: log('catalog'),
    lifecycle: lifecycle([{ name: 'store', check: () => deps.stores.catalog.ping() }]),
    recommendations: deps.recommendations,
    chaos: chaosOf('catalog'),
  }));
  apps.inventory = injectable(inventoryApp({
    store: deps.stores.inventory,
    logger: log('inventory'),
    lifecycle: lifecycle([{ name: 'store', check: () => deps.stores.inventory.ping() }]),
    adminToken: deps.adminToken,
    chaos: chaosOf('inventory'),
  }));
  apps.payments = injectable(paymentsApp({ provider: deps.provider, logger: log('payments'), lifecycle: lifecycle(), chaos: chaosOf('payments') }));
  const checkout = createCheckout({
    store: deps.stores.orders,
    logger: log('orders'),
    catalog: dependency('catalog', deps.budgets.upstreamMs),
    inventory: dependency('inventory', deps.budgets.upstreamMs),
    payments: dependency('payments', deps.budgets.paymentsMs),
  });
  apps.orders = injectable(ordersApp({
    store: deps.stores.orders,
    checkout,
    logger: log('orders'),
    lifecycle: lifecycle([{ name: 'store', check: () => deps.stores.orders.ping() }]),
    chaos: chaosOf('orders'),
  }));
  const connected = deps.consumerConnected;
  apps.notifications = injectable(notificationsApp({
    mailer: deps.mailer,
    logger: log('notifications'),
    lifecycle: lifecycle([
      { name: 'store', check: () => deps.stores.notifications.ping() },
      ...(connected === undefined ? [] : [{ name: 'broker', check: () => connected() }]),
    ]),
    chaos: chaosOf('notifications'),
  }));

  const control = (module: ModuleName): ChaosControl => (request) => dispatchInto(module, mounted(module), scope, request);
  return gatewayApp({
    upstreams: {
      catalog: dependency('catalog', deps.budgets.upstreamMs),
      orders: dependency('orders', deps.budgets.publicMs),
      inventory: dependency('inventory', deps.budgets.upstreamMs),
      notifications: dependency('notifications', deps.budgets.publicMs),
      payments: dependency('payments', deps.budgets.paymentsMs),
    },
    lifecycle: deps.lifecycle,
    logger: deps.logger,
    rateLimitPerMinute: deps.rateLimitPerMinute,
    corsOrigins: deps.corsOrigins,
    adminToken: deps.adminToken,
    chaos: deps.chaos === undefined ? undefined : { faults: deps.chaos.gateway, token: deps.chaos.token },
    chaosTargets: Object.fromEntries(MODULES.map((module) => [module, control(module)])),
    storefront: deps.storefront,
    deadlines: deps.deadlines,
  });
}
