/**
 * The catalog's composition root, the only place that reads the environment, listens and handles
 * signals. Start it with `node --require @kit/telemetry/register dist/main.js` (`npm start`).
 */
import { createRuntimeConfig, exitOnStartFailure, startServer, serviceChaos } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { createApp } from './app';
import { loadConfig } from './config';
import { initialRuntime, runtimeSchema } from './runtime';
import { createMemoryStore, type CatalogStore } from './store';
import { createPostgresStore } from './store-postgres';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.LOG_LEVEL });
  const store: CatalogStore =
    config.DATABASE_URL === undefined
      ? createMemoryStore()
      : await createPostgresStore({ connectionString: config.DATABASE_URL });
  const lifecycle = new Lifecycle([{ name: 'store', check: () => store.ping() }]);
  const runtime = createRuntimeConfig({
    schema: runtimeSchema,
    initial: initialRuntime(config),
    logger,
    onChange: (settings) => {
      logger.level = settings.logLevel;
    },
  });
  const stopWatching = config.CONFIG_FILE === undefined ? undefined : runtime.watch(config.CONFIG_FILE);
  const recommendations = () => ({ enabled: runtime.get().recommendationsEnabled, timeoutMs: runtime.get().recommendationsTimeoutMs });
  await startServer({
    name: 'catalog',
    app: createApp({ chaos: serviceChaos('catalog', config, logger),
      store,
      logger,
      lifecycle,
      recommendations,
      adminRoutes: config.ADMIN_TOKEN === undefined ? undefined : runtime.router(config.ADMIN_TOKEN),
    }),
    config,
    lifecycle,
    logger,
    closers: [
      { name: 'config watch', close: () => stopWatching?.() },
      { name: 'store', close: () => store.close() },
    ],
    describe: { store: config.DATABASE_URL === undefined ? 'memory' : 'postgres' },
  });
}

main().catch(exitOnStartFailure('catalog'));
