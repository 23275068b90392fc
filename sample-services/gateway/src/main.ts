/**
 * The gateway composition root, the only place that reads the environment, listens and handles
 * signals. Start it with `node --require @kit/telemetry/register dist/main.js` (`npm start`).
 */
import { DEFAULT_DEPENDENCY_SETTINGS, createHttpDependency, exitOnStartFailure, serviceChaos, startServer } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { createApp } from './app';
import { loadConfig } from './config';
import { storefrontOptions } from './storefront';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.LOG_LEVEL });
  const settings = { ...DEFAULT_DEPENDENCY_SETTINGS, timeoutMs: config.UPSTREAM_TIMEOUT_MS };
  // spread: a service scaled to several replicas behind one name gets calls on all of them; several
  // base URLs (the native stack's replicas) are each one replica
  const upstream = (name: string, baseUrl: readonly string[]) => createHttpDependency({ name, baseUrl, logger, settings, spread: true });
  const lifecycle = new Lifecycle();
  const storefront = storefrontOptions(config);
  if (storefront === undefined) logger.warn('storefront not built (npm run build); serving the API only');
  await startServer({
    name: 'gateway',
    app: createApp({
      upstreams: {
        catalog: upstream('catalog', config.CATALOG_URL),
        orders: upstream('orders', config.ORDERS_URL),
        inventory: upstream('inventory', config.INVENTORY_URL),
        notifications: upstream('notifications', config.NOTIFICATIONS_URL),
        payments: upstream('payments', config.PAYMENTS_URL),
      },
      chaos: serviceChaos('gateway', config, logger),
      // chaos control reaches a service's first replica
      chaosTargets: { catalog: config.CATALOG_URL[0], orders: config.ORDERS_URL[0], inventory: config.INVENTORY_URL[0], payments: config.PAYMENTS_URL[0], notifications: config.NOTIFICATIONS_URL[0] },
      lifecycle,
      logger,
      rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
      corsOrigins: config.CORS_ORIGINS,
      adminToken: config.ADMIN_TOKEN,
      storefront,
      deadlines: { defaultMs: config.DEADLINE_MS, checkoutMs: config.CHECKOUT_DEADLINE_MS },
    }),
    config,
    lifecycle,
    logger,
    describe: { admin: config.ADMIN_TOKEN !== undefined, chaos: config.CHAOS_ENABLED, storefront: storefront?.dir ?? 'off', faro: config.FARO_URL ?? 'off' },
  });
}

main().catch(exitOnStartFailure('gateway'));
