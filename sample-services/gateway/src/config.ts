/** The gateway configuration: the shared service keys, its upstreams, their budget, the rate limit, CORS and admin. */
import { baseConfigShape, loadConfig as load } from '@kit/service';
import { z } from 'zod';

const schema = z.object({
  ...baseConfigShape(8080),
  CATALOG_URL: z.url().default('http://127.0.0.1:8081'),
  ORDERS_URL: z.url().default('http://127.0.0.1:8082'),
  INVENTORY_URL: z.url().default('http://127.0.0.1:8083'),
  NOTIFICATIONS_URL: z.url().default('http://127.0.0.1:8085'),
  PAYMENTS_URL: z.url().default('http://127.0.0.1:8084').describe('reached only by the chaos API'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(3_000).describe('per-attempt budget (orders calls others itself)'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6_000),
  CORS_ORIGINS: z.string().default('*').transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean)),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return load(schema, env);
}
