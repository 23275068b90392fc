/**
 * The gateway composition root, the only place that reads the environment, listens and handles
 * signals. Start it with `node --require @kit/telemetry/register dist/main.js` (`npm start`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DEPENDENCY_SETTINGS, baseConfigShape, createHttpDependency, exitOnStartFailure, loadConfig, serviceChaos, startServer } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { z } from 'zod';
import { createApp } from './app';
import { builtStorefrontDir } from './storefront';

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

/** `deployment.environment.name` from OTEL_RESOURCE_ATTRIBUTES, so the browser reports the same environment. */
function environmentOf(resourceAttributes: string): string {
  const pair = resourceAttributes.split(',').map((entry) => entry.split('=')).find(([key]) => key?.trim() === 'deployment.environment.name');
  return pair?.[1]?.trim() || 'development';
}

async function main(): Promise<void> {
  const config = loadConfig(schema, process.env);
  const logger = createLogger({ level: config.LOG_LEVEL });
  const settings = { ...DEFAULT_DEPENDENCY_SETTINGS, timeoutMs: config.UPSTREAM_TIMEOUT_MS };
  // spread: a service scaled to several replicas behind one name gets calls on all of them
  const upstream = (name: string, baseUrl: string) => createHttpDependency({ name, baseUrl, logger, settings, spread: true });
  const lifecycle = new Lifecycle();
  const storefrontDir = config.STOREFRONT_DIR ?? builtStorefrontDir();
  if (storefrontDir === undefined) logger.warn('storefront not built (npm run build); serving the API only');
  await startServer({
    name: 'gateway',
    app: createApp({
      upstreams: {
        catalog: upstream('catalog', config.CATALOG_URL),
        orders: upstream('orders', config.ORDERS_URL),
        inventory: upstream('inventory', config.INVENTORY_URL),
        notifications: upstream('notifications', config.NOTIFICATIONS_URL),
        payments: upstream('payments', config.PAYMENTS_URL),
      },
      chaos: serviceChaos('gateway', config, logger),
      serviceUrls: { catalog: config.CATALOG_URL, orders: config.ORDERS_URL, inventory: config.INVENTORY_URL, payments: config.PAYMENTS_URL, notifications: config.NOTIFICATIONS_URL },
      lifecycle,
      logger,
      rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
      corsOrigins: config.CORS_ORIGINS,
      adminToken: config.ADMIN_TOKEN,
      storefront:
        storefrontDir === undefined
          ? undefined
          : {
              dir: storefrontDir,
              settings: { faroUrl: config.FARO_URL, appName: config.FARO_APP_NAME, environment: environmentOf(config.OTEL_RESOURCE_ATTRIBUTES), grafanaUrl: config.GRAFANA_URL },
            },
    }),
    config,
    lifecycle,
    logger,
    describe: { admin: config.ADMIN_TOKEN !== undefined, chaos: config.CHAOS_ENABLED, storefront: storefrontDir ?? 'off', faro: config.FARO_URL ?? 'off' },
  });
}

main().catch(exitOnStartFailure('gateway'));
