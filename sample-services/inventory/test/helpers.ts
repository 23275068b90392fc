/** Test fixtures for the inventory: an app over any store, and Redis for the store contract. */
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { createApp } from '../src/app';
import { createMemoryStore, type InventoryStore } from '../src/store';
import { createRedisStore } from '../src/store-redis';

/** Redis for tests, started by `scripts/engines.sh` (make test). No skip: without it these fail. */
export const TEST_REDIS_URL = process.env.KIT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export async function redisStore(): Promise<InventoryStore> {
  try {
    return await createRedisStore({ url: TEST_REDIS_URL, prefix: `test:${randomUUID()}:` });
  } catch (error) {
    throw new Error(`Redis is not reachable at ${TEST_REDIS_URL}: start it with scripts/engines.sh (make test does)`, { cause: error });
  }
}

export const STORES: [string, () => Promise<InventoryStore>][] = [
  ['memory', () => Promise.resolve(createMemoryStore())],
  ['redis', redisStore],
];

export function testApp(options: { store?: InventoryStore; adminToken?: string | undefined } = {}) {
  const lifecycle = new Lifecycle();
  lifecycle.markStarted();
  const adminToken = 'adminToken' in options ? options.adminToken : ADMIN_TOKEN;
  return createApp({ store: options.store ?? createMemoryStore(), logger: createLogger({ destination: new PassThrough().resume() }), lifecycle, adminToken });
}
