/**
 * The notifications composition root, the only place that reads the environment, listens and
 * handles signals. Start it with `node --require @kit/telemetry/register dist/main.js` (`npm start`).
 */
import { createRuntimeConfig, exitOnStartFailure, startServer, serviceChaos } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { createApp } from './app';
import { loadConfig } from './config';
import { startConsumer, type Consumer } from './consumer';
import { createMailer } from './mailer';
import { createMemoryStore, type NotificationsStore } from './store';
import { createPostgresStore } from './store-postgres';
import { initialRuntime, runtimeSchema } from './runtime';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.LOG_LEVEL });
  const chaos = serviceChaos('notifications', config, logger);
  // the mail relay's failure share changes while the service runs (PUT /admin/config, CONFIG_FILE)
  const runtime = createRuntimeConfig({ schema: runtimeSchema, initial: initialRuntime(config), logger, onChange: (settings) => (logger.level = settings.logLevel) });
  const stopWatching = config.CONFIG_FILE === undefined ? undefined : runtime.watch(config.CONFIG_FILE);
  const store: NotificationsStore = config.DATABASE_URL === undefined ? createMemoryStore() : await createPostgresStore(config.DATABASE_URL);
  const mailer = createMailer({ logger, store, failureRate: () => runtime.get().failureRate, random: Math.random });
  const consumer: Consumer | undefined =
    config.AMQP_URL === undefined
      ? undefined
      : await startConsumer({
          url: config.AMQP_URL,
          logger,
          send: (event, eventId) => mailer.send(event, eventId),
          maxAttempts: config.NOTIFICATIONS_MAX_ATTEMPTS,
          retryBaseMs: config.NOTIFICATIONS_RETRY_BASE_MS,
          prefetch: config.NOTIFICATIONS_PREFETCH,
          ...(chaos === undefined ? {} : { chaos: chaos.faults }),
          // crash-only: without its broker this service is useless, so it exits and its supervisor
          // (compose restart policy, Kubernetes, the native runner) starts it again
          onLost: (reason) => {
            logger.error(`${reason}; exiting so the supervisor restarts the service`);
            process.exitCode = 1;
            process.kill(process.pid, 'SIGTERM');
          },
        });
  const lifecycle = new Lifecycle([
    { name: 'store', check: () => store.ping() },
    ...(consumer === undefined ? [] : [{ name: 'broker', check: () => consumer.connected() }]),
  ]);
  await startServer({
    name: 'notifications',
    app: createApp({ chaos, lifecycle, logger, mailer, adminRoutes: config.ADMIN_TOKEN === undefined ? undefined : runtime.router(config.ADMIN_TOKEN) }),
    config,
    lifecycle,
    logger,
    closers: [
      { name: 'config watch', close: () => stopWatching?.() },
      ...(consumer === undefined ? [] : [{ name: 'consumer', close: () => consumer.close() }]),
      // last: the consumer's messages in hand still record their e-mails
      { name: 'store', close: () => store.close() },
    ],
    describe: { store: config.DATABASE_URL === undefined ? 'memory' : 'postgres', broker: config.AMQP_URL === undefined ? 'none' : 'rabbitmq' },
  });
}

main().catch(exitOnStartFailure('notifications'));
