/**
 * The monolith's composition root, the only place that reads the environment, listens and handles
 * signals. Start it with `node --require @kit/telemetry/register dist/main.js` (`npm start`) and
 * `OTEL_SERVICE_NAME=monolith`. Each module gets its own store, as its service would: catalog and
 * orders and notifications their PostgreSQL databases (`CATALOG_DATABASE_URL`, `ORDERS_DATABASE_URL`,
 * `NOTIFICATIONS_DATABASE_URL`), inventory Redis (`REDIS_URL`), orders and notifications RabbitMQ
 * (`AMQP_URL`); unset means in memory.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createMemoryStore as catalogMemory, type CatalogStore } from '@kit/catalog/store';
import { createPostgresStore as catalogPostgres } from '@kit/catalog/store-postgres';
import { createMemoryStore as inventoryMemory, type InventoryStore } from '@kit/inventory/store';
import { createRedisStore } from '@kit/inventory/store-redis';
import { startConsumer } from '@kit/notifications/consumer';
import { createMailer } from '@kit/notifications/mailer';
import { createMemoryStore as notificationsMemory, type NotificationsStore } from '@kit/notifications/store';
import { createPostgresStore as notificationsPostgres } from '@kit/notifications/store-postgres';
import { createRelay } from '@kit/orders/outbox';
import { createAmqpPublisher, createMemoryPublisher } from '@kit/orders/publisher';
import { createMemoryStore as ordersMemory, type OrdersStore } from '@kit/orders/store';
import { createPostgresStore as ordersPostgres } from '@kit/orders/store-postgres';
import { createProvider } from '@kit/payments/provider';
import { chaosToken, createChaos, exitOnStartFailure, setProcessChaos, startServer } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { storefrontOptions } from '@kit/gateway/storefront';
import { MODULES, createApp, type ModuleName } from './app';
import { loadConfig } from './config';
import { superviseConsumer, type SupervisedConsumer } from './consumer';
import { createModuleScope, scopedChaos } from './in-process';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const { gateway } = config;
  const logger = createLogger({ level: gateway.LOG_LEVEL });
  const scope = createModuleScope();

  const catalog: CatalogStore =
    config.catalog.DATABASE_URL === undefined ? catalogMemory() : await catalogPostgres({ connectionString: config.catalog.DATABASE_URL });
  const orders: OrdersStore = config.orders.DATABASE_URL === undefined ? ordersMemory() : await ordersPostgres(config.orders.DATABASE_URL);
  const sentEmails: NotificationsStore =
    config.notifications.DATABASE_URL === undefined ? notificationsMemory() : await notificationsPostgres(config.notifications.DATABASE_URL);
  const inventory: InventoryStore =
    config.inventory.REDIS_URL === undefined
      ? inventoryMemory(config.inventory.INVENTORY_SEED_STOCK)
      : await createRedisStore({ url: config.inventory.REDIS_URL, initialStock: config.inventory.INVENTORY_SEED_STOCK });

  // chaos: each module has its own faults (its requests, its stores, its partitions); the process's
  // hooks read the faults of the module whose work is running
  const token = chaosToken(gateway);
  let chaos: { token: string; gateway: ReturnType<typeof createChaos>; modules: Record<ModuleName, ReturnType<typeof createChaos>> } | undefined;
  if (token !== undefined) {
    const modules = Object.fromEntries(MODULES.map((module) => [module, createChaos({ service: module, logger: logger.child({ module }) })])) as Record<ModuleName, ReturnType<typeof createChaos>>;
    chaos = { token, gateway: createChaos({ service: 'gateway', logger }), modules };
    setProcessChaos(scopedChaos(scope, modules, chaos.gateway));
    logger.warn('chaos routes enabled', { routes: '/api/chaos' });
  }

  const payments = config.payments;
  const provider = createProvider({
    settings: () => ({ medianMs: payments.PAYMENTS_LATENCY_MEDIAN_MS, sigma: payments.PAYMENTS_LATENCY_SIGMA, declineRate: payments.PAYMENTS_DECLINE_RATE }),
    random: Math.random,
    sleep: (ms) => sleep(ms),
    now: () => new Date(),
  });
  const notifications = config.notifications;
  const mailer = createMailer({ logger: logger.child({ module: 'notifications' }), store: sentEmails, failureRate: () => notifications.NOTIFICATIONS_FAILURE_RATE, random: Math.random });
  const amqpUrl = notifications.AMQP_URL;
  const consumer: SupervisedConsumer | undefined =
    amqpUrl === undefined
      ? undefined
      : await scope.run('notifications', () =>
          superviseConsumer({
            logger,
            start: (onLost) =>
              startConsumer({
                url: amqpUrl,
                logger: logger.child({ module: 'notifications' }),
                send: (event, eventId) => mailer.send(event, eventId),
                maxAttempts: notifications.NOTIFICATIONS_MAX_ATTEMPTS,
                retryBaseMs: notifications.NOTIFICATIONS_RETRY_BASE_MS,
                prefetch: notifications.NOTIFICATIONS_PREFETCH,
                ...(chaos === undefined ? {} : { chaos: chaos.modules.notifications }),
                onLost,
              }),
          }),
        );
  const publisher = config.orders.AMQP_URL === undefined ? createMemoryPublisher() : createAmqpPublisher(config.orders.AMQP_URL);
  const relay = createRelay({ store: orders, publisher, logger: logger.child({ module: 'orders' }), pollMs: config.orders.OUTBOX_POLL_MS });

  const lifecycle = new Lifecycle();
  const app = createApp({
    lifecycle,
    logger,
    scope,
    stores: { catalog, orders, inventory, notifications: sentEmails },
    provider,
    mailer,
    ...(consumer === undefined ? {} : { consumerConnected: consumer.connected }),
    recommendations: () => ({ enabled: config.catalog.RECOMMENDATIONS_ENABLED, timeoutMs: config.catalog.RECOMMENDATIONS_TIMEOUT_MS }),
    budgets: { upstreamMs: config.orders.UPSTREAM_TIMEOUT_MS, paymentsMs: config.orders.PAYMENTS_TIMEOUT_MS, publicMs: gateway.UPSTREAM_TIMEOUT_MS },
    deadlines: { defaultMs: gateway.DEADLINE_MS, checkoutMs: gateway.CHECKOUT_DEADLINE_MS },
    rateLimitPerMinute: gateway.RATE_LIMIT_PER_MINUTE,
    corsOrigins: gateway.CORS_ORIGINS,
    adminToken: gateway.ADMIN_TOKEN,
    storefront: storefrontOptions(gateway),
    chaos,
  });
  await startServer({
    name: 'monolith',
    app,
    config: gateway,
    lifecycle,
    logger,
    closers: [
      { name: 'outbox relay', close: () => relay.stop() },
      { name: 'publisher', close: () => publisher.close() },
      { name: 'consumer', close: () => consumer?.close() },
      {
        name: 'chaos',
        close: () => {
          for (const faults of chaos === undefined ? [] : [chaos.gateway, ...Object.values(chaos.modules)]) faults.close();
        },
      },
      { name: 'stores', close: () => Promise.all([catalog.close(), orders.close(), inventory.close(), sentEmails.close()]).then(() => undefined) },
    ],
    describe: {
      modules: MODULES.join(','),
      stores: {
        catalog: config.catalog.DATABASE_URL === undefined ? 'memory' : 'postgres',
        orders: config.orders.DATABASE_URL === undefined ? 'memory' : 'postgres',
        inventory: config.inventory.REDIS_URL === undefined ? 'memory' : 'redis',
        notifications: config.notifications.DATABASE_URL === undefined ? 'memory' : 'postgres',
      },
      broker: amqpUrl === undefined ? 'none' : 'rabbitmq',
      chaos: chaos !== undefined,
    },
  });
  scope.run('orders', () => relay.start());
}

main().catch(exitOnStartFailure('monolith'));
