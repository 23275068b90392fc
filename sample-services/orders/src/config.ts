/** The orders configuration: the shared service keys, its stores, its upstreams and their budgets. */
import { DEFAULT_DEPENDENCY_SETTINGS, baseConfigShape, loadConfig as load, runtimeConfigShape, upstreamUrls } from '@kit/service';
import { z } from 'zod';

// each a base URL, or a replica's base URLs separated by commas
const url = upstreamUrls;

const schema = z.object({
  ...baseConfigShape(8082),
  ...runtimeConfigShape(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional().describe('unset = in-memory store'),
  AMQP_URL: z.string().regex(/^amqps?:\/\//, 'must be an amqp:// URL').optional().describe('unset = events kept in memory'),
  CATALOG_URL: url('http://127.0.0.1:8081'),
  INVENTORY_URL: url('http://127.0.0.1:8083'),
  PAYMENTS_URL: url('http://127.0.0.1:8084'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(1_000).describe('per-attempt budget of calls to other services'),
  PAYMENTS_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(2_000).describe('per-attempt budget of a charge'),
  UPSTREAM_RETRIES: z.coerce.number().int().min(0).max(5).default(DEFAULT_DEPENDENCY_SETTINGS.retries).describe('extra attempts of reads and keyed writes'),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return load(schema, env);
}
