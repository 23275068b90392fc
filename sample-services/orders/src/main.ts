/**
 * The orders composition root, the only place that reads the environment, listens and handles
 * signals. Start it with `node --require @kit/telemetry/register dist/main.js` (`npm start`).
 */
import { createHttpDependency, createRuntimeConfig, exitOnStartFailure, startServer, serviceChaos } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { createApp } from './app';
import { createCheckout } from './checkout';
import { loadConfig } from './config';
import { createRelay } from './outbox';
import { callSettings, initialRuntime, runtimeSchema } from './runtime';
import { createAmqpPublisher, createMemoryPublisher } from './publisher';
import { createMemoryStore, type OrdersStore } from './store';
import { createPostgresStore } from './store-postgres';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.LOG_LEVEL });
  const store: OrdersStore = config.DATABASE_URL === undefined ? createMemoryStore() : await createPostgresStore(config.DATABASE_URL);
  const publisher = config.AMQP_URL === undefined ? createMemoryPublisher() : createAmqpPublisher(config.AMQP_URL);
  // budgets and retries of the calls below change while orders runs (PUT /admin/config, CONFIG_FILE)
  const runtime = createRuntimeConfig({ schema: runtimeSchema, initial: initialRuntime(config), logger, onChange: (settings) => (logger.level = settings.logLevel) });
  const stopWatching = config.CONFIG_FILE === undefined ? undefined : runtime.watch(config.CONFIG_FILE);
  const upstream = runtime.derive((settings) => callSettings(settings).upstream);
  const checkout = createCheckout({
    store,
    logger,
    catalog: createHttpDependency({ name: 'catalog', baseUrl: config.CATALOG_URL, logger, settings: upstream }),
    inventory: createHttpDependency({ name: 'inventory', baseUrl: config.INVENTORY_URL, logger, settings: upstream }),
    payments: createHttpDependency({ name: 'payments', baseUrl: config.PAYMENTS_URL, logger, settings: runtime.derive((settings) => callSettings(settings).payments) }),
  });
  const relay = createRelay({ store, publisher, logger, pollMs: config.OUTBOX_POLL_MS });
  const lifecycle = new Lifecycle([{ name: 'store', check: () => store.ping() }]);
  await startServer({
    name: 'orders',
    app: createApp({
      chaos: serviceChaos('orders', config, logger),
      store,
      checkout,
      lifecycle,
      logger,
      adminRoutes: config.ADMIN_TOKEN === undefined ? undefined : runtime.router(config.ADMIN_TOKEN),
    }),
    config,
    lifecycle,
    logger,
    closers: [
      { name: 'config watch', close: () => stopWatching?.() },
      { name: 'outbox relay', close: () => relay.stop() },
      { name: 'publisher', close: () => publisher.close() },
      { name: 'store', close: () => store.close() },
    ],
    describe: { store: config.DATABASE_URL === undefined ? 'memory' : 'postgres', broker: config.AMQP_URL === undefined ? 'memory' : 'rabbitmq' },
  });
  relay.start();
}

main().catch(exitOnStartFailure('orders'));
