/**
 * The gateway configuration: the shared service keys, its upstreams, their budget, the rate limit,
 * CORS, admin, and what the storefront page is told at runtime. The monolith reads the same schema.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { baseConfigShape, loadConfig as load, upstreamUrls } from '@kit/service';
import { z } from 'zod';

const schema = z.object({
  ...baseConfigShape(8080),
  // each a base URL, or a replica's base URLs separated by commas (the chaos API controls the first)
  CATALOG_URL: upstreamUrls('http://127.0.0.1:8081'),
  ORDERS_URL: upstreamUrls('http://127.0.0.1:8082'),
  INVENTORY_URL: upstreamUrls('http://127.0.0.1:8083'),
  NOTIFICATIONS_URL: upstreamUrls('http://127.0.0.1:8085'),
  PAYMENTS_URL: upstreamUrls('http://127.0.0.1:8084').describe('reached only by the chaos API'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(3_000).describe('per-attempt budget of reads and other routes (orders calls others itself)'),
  DEADLINE_MS: z.coerce.number().int().min(10).max(60_000).default(5_000).describe('total budget of a request through the gateway, retries included; passed on as x-kit-deadline-ms'),
  CHECKOUT_DEADLINE_MS: z.coerce.number().int().min(10).max(60_000).default(10_000).describe("total budget of POST /api/orders, in one attempt: orders' own calls fit inside it"),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6_000),
  CORS_ORIGINS: z.string().default('*').transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean)),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  STOREFRONT_DIR: z
    .string()
    .refine((dir) => existsSync(path.join(dir, 'index.html')), 'must be a built storefront (a folder with index.html)')
    .optional()
    .describe('the built storefront; defaults to the @kit/storefront build when there is one'),
  FARO_URL: z.url().optional().describe("the Collector's Faro receiver as the browser reaches it; unset = no browser telemetry"),
  FARO_APP_NAME: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/).default('storefront'),
  GRAFANA_URL: z.url().default('http://localhost:3000'),
  OTEL_RESOURCE_ATTRIBUTES: z.string().default(''),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return load(schema, env);
}
