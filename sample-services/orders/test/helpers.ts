/**
 * A small shop for the orders tests: the real catalog, inventory and payments apps (in-memory stores)
 * on ephemeral ports, with a switch that takes payments down, and an orders app wired to them.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createApp as catalogApp } from '@kit/catalog/app';
import { createMemoryStore as catalogStore } from '@kit/catalog/store';
import { createApp as inventoryApp } from '@kit/inventory/app';
import { createMemoryStore as inventoryStore } from '@kit/inventory/store';
import { createApp as paymentsApp } from '@kit/payments/app';
import { createProvider } from '@kit/payments/provider';
import { DEFAULT_DEPENDENCY_SETTINGS, createHttpDependency, type DependencySettingsSource } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import express, { type Express, type Router } from 'express';
import { createApp } from '../src/app';
import { createCheckout } from '../src/checkout';
import { createMemoryStore, type OrdersStore } from '../src/store';

export const quietLogger = () => createLogger({ destination: new PassThrough().resume() });
const ready = () => {
  const lifecycle = new Lifecycle();
  lifecycle.markStarted();
  return lifecycle;
};

function listen(app: Express): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

export interface Shop {
  readonly orders: Express;
  readonly store: OrdersStore;
  readonly inventoryUrl: string;
  readonly paymentsUrl: string;
  /** While true, payments answers every request with 503. */
  paymentsDown: boolean;
  /** Payments answers this much later. */
  paymentsDelayMs: number;
  /** Requests payments has received. */
  paymentsCalls: number;
  /** Payments holds every request until the returned function is called. */
  holdPayments(): () => void;
  close(): void;
}

export async function openShop(
  options: { store?: OrdersStore; halfOpenAfterMs?: number; paymentsSettings?: DependencySettingsSource; adminRoutes?: Router } = {},
): Promise<Shop> {
  const logger = quietLogger();
  const provider = createProvider({
    settings: () => ({ medianMs: 0, sigma: 0, declineRate: 0 }),
    random: Math.random,
    sleep: () => Promise.resolve(),
    now: () => new Date(),
  });
  const shop = { paymentsDown: false, paymentsDelayMs: 0, paymentsCalls: 0 } as { paymentsDown: boolean; paymentsDelayMs: number; paymentsCalls: number };
  let gate: Promise<void> = Promise.resolve();
  const holdPayments = () => {
    let open: () => void = () => undefined;
    gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    return () => {
      open();
    };
  };
  const payments = express();
  payments.use(async (_req, _res, next) => {
    shop.paymentsCalls += 1;
    await gate;
    next();
  });
  payments.use((_req, res, next) => {
    if (shop.paymentsDown) res.status(503).json({ error: { code: 'down', message: 'payments is down' } });
    else setTimeout(next, shop.paymentsDelayMs);
  });
  payments.use(paymentsApp({ provider, logger, lifecycle: ready() }));
  const servers = await Promise.all([
    listen(catalogApp({ store: catalogStore(), logger, lifecycle: ready(), recommendations: () => ({ enabled: true, timeoutMs: 100 }) })),
    listen(inventoryApp({ store: inventoryStore(20), logger, lifecycle: ready(), adminToken: undefined })),
    listen(payments),
  ]);
  const [catalog, inventory, pay] = servers;
  const settings = { ...DEFAULT_DEPENDENCY_SETTINGS, retryBaseMs: 1, breakerFailures: 3, halfOpenAfterMs: options.halfOpenAfterMs ?? 200 };
  const store = options.store ?? createMemoryStore();
  const checkout = createCheckout({
    store,
    logger,
    catalog: createHttpDependency({ name: 'catalog', baseUrl: catalog.url, logger, settings }),
    inventory: createHttpDependency({ name: 'inventory', baseUrl: inventory.url, logger, settings }),
    payments: createHttpDependency({ name: 'payments', baseUrl: pay.url, logger, settings: options.paymentsSettings ?? { ...settings, retries: 0 } }),
  });
  return Object.assign(shop, {
    holdPayments,
    orders: createApp({ store, checkout, lifecycle: ready(), logger, adminRoutes: options.adminRoutes }),
    store,
    inventoryUrl: inventory.url,
    paymentsUrl: pay.url,
    close() {
      for (const { server } of servers) {
        server.closeAllConnections();
        server.close();
      }
    },
  });
}

export const order = (productId = 'p-001', quantity = 1, token = 'tok_visa') => ({
  customerEmail: 'ada@example.com',
  items: [{ productId, quantity }],
  card: { token },
});

export async function stockOf(shop: Shop, productId: string): Promise<number> {
  const res = await fetch(`${shop.inventoryUrl}/stock/${productId}`);
  return ((await res.json()) as { available: number }).available;
}
