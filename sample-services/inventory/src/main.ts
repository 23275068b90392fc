/**
 * The inventory's composition root, the only place that reads the environment, listens and handles
 * signals. Start it with `node --require @kit/telemetry/register dist/main.js` (`npm start`).
 */
import { exitOnStartFailure, startServer, serviceChaos } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { createApp } from './app';
import { loadConfig } from './config';
import { createMemoryStore, type InventoryStore } from './store';
import { createRedisStore } from './store-redis';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.LOG_LEVEL });
  const store: InventoryStore =
    config.REDIS_URL === undefined
      ? createMemoryStore(config.INVENTORY_SEED_STOCK)
      : await createRedisStore({ url: config.REDIS_URL, initialStock: config.INVENTORY_SEED_STOCK });
  const lifecycle = new Lifecycle([{ name: 'store', check: () => store.ping() }]);
  await startServer({
    name: 'inventory',
    app: createApp({ chaos: serviceChaos('inventory', config, logger), store, logger, lifecycle, adminToken: config.ADMIN_TOKEN }),
    config,
    lifecycle,
    logger,
    closers: [{ name: 'store', close: () => store.close() }],
    describe: { store: config.REDIS_URL === undefined ? 'memory' : 'redis', admin: config.ADMIN_TOKEN !== undefined },
  });
}

main().catch(exitOnStartFailure('inventory'));
