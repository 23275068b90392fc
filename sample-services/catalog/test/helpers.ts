/** Test fixtures for the catalog: an app over any store, and the engine URL for PostgreSQL tests. */
import { PassThrough } from 'node:stream';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { createApp } from '../src/app';
import type { RecommendationSettings } from '../src/routes';
import { createMemoryStore, type CatalogStore } from '../src/store';

/**
 * PostgreSQL for tests, started by `scripts/engines.sh` (make test). There is no skip: without the
 * engine these tests fail and say how to start it.
 */
export const TEST_PG_URL = process.env.KIT_TEST_PG_URL ?? 'postgres://kit:kit@127.0.0.1:5432/kit_test';

export function testApp(options: { store?: CatalogStore; recommendations?: Partial<RecommendationSettings> } = {}) {
  const lifecycle = new Lifecycle();
  lifecycle.markStarted();
  const settings: RecommendationSettings = { enabled: true, timeoutMs: 200, ...options.recommendations };
  return createApp({
    store: options.store ?? createMemoryStore(),
    logger: createLogger({ destination: new PassThrough().resume() }),
    lifecycle,
    recommendations: () => settings,
  });
}
