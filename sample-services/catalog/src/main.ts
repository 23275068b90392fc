/**
 * The catalog's composition root, the only place that reads the environment, listens and handles
 * signals. Start it with `node --require @kit/telemetry/register dist/main.js` (`npm start`).
 */
import { Lifecycle, createLogger, installShutdown } from '@kit/telemetry';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
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
  const app = createApp({
    store,
    logger,
    lifecycle,
    recommendations: () => ({ enabled: config.RECOMMENDATIONS_ENABLED, timeoutMs: config.RECOMMENDATIONS_TIMEOUT_MS }),
  });
  const server = app.listen(config.PORT, config.HOST, () => {
    lifecycle.markStarted();
    const address = server.address();
    logger.info('catalog listening', {
      port: typeof address === 'object' && address !== null ? address.port : config.PORT,
      store: config.DATABASE_URL === undefined ? 'memory' : 'postgres',
    });
  });
  installShutdown({
    server,
    lifecycle,
    logger,
    drainDelayMs: config.DRAIN_DELAY_MS,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    closers: [{ name: 'store', close: () => store.close() }],
  });
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`catalog failed to start: ${message}\n`);
  process.exit(1);
});
