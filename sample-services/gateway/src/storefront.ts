/**
 * Serving the browser storefront (sample-services/storefront, built by Vite) from the gateway, so
 * the page and the API share one origin: the browser's fetch spans put `traceparent` on API calls
 * without any CORS exception, and one trace runs from the click to the database.
 *
 *   GET /storefront-config.json   the runtime settings (Faro endpoint, Grafana link), read from the
 *                                 gateway's environment, so one bundle serves every deployment
 *   GET /, /assets/*              the built page; hashed assets are cached for a year, the page and
 *                                 its settings never
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

export interface StorefrontSettings {
  /** Where the Faro Web SDK sends (the Collector's Faro receiver); undefined turns browser telemetry off. */
  readonly faroUrl?: string | undefined;
  /** The app name the browser reports as (`service.name` of its traces and logs). */
  readonly appName: string;
  /** `deployment.environment.name` of the browser's telemetry (the bundle carries its own version). */
  readonly environment: string;
  /** Grafana's address as the browser reaches it, for the chaos console's dashboard links. */
  readonly grafanaUrl: string;
}

export interface StorefrontOptions {
  /** The Vite build output (contains index.html). */
  readonly dir: string;
  readonly settings: StorefrontSettings;
}

/** The keys of the gateway's configuration (config.ts) the storefront reads. */
export interface StorefrontConfig {
  readonly STOREFRONT_DIR?: string | undefined;
  readonly FARO_URL?: string | undefined;
  readonly FARO_APP_NAME: string;
  readonly GRAFANA_URL: string;
  readonly OTEL_RESOURCE_ATTRIBUTES: string;
}

/** `deployment.environment.name` from OTEL_RESOURCE_ATTRIBUTES, so the browser reports the same environment. */
function environmentOf(resourceAttributes: string): string {
  const pair = resourceAttributes.split(',').map((entry) => entry.split('=')).find(([key]) => key?.trim() === 'deployment.environment.name');
  const value = pair?.[1]?.trim() ?? '';
  return value === '' ? 'development' : value;
}

/** The storefront to serve: the configured folder, else the workspace's build; undefined when there is none. */
export function storefrontOptions(config: StorefrontConfig): StorefrontOptions | undefined {
  const dir = config.STOREFRONT_DIR ?? builtStorefrontDir();
  if (dir === undefined) return undefined;
  return {
    dir,
    settings: { faroUrl: config.FARO_URL, appName: config.FARO_APP_NAME, environment: environmentOf(config.OTEL_RESOURCE_ATTRIBUTES), grafanaUrl: config.GRAFANA_URL },
  };
}

/** The built storefront next to the gateway (the @kit/storefront workspace), if it was built. */
export function builtStorefrontDir(): string | undefined {
  try {
    const dir = path.join(path.dirname(require.resolve('@kit/storefront/package.json')), 'dist');
    return existsSync(path.join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

function contentSecurityPolicy(faroUrl: string | undefined): string {
  const connect = ["'self'", ...(faroUrl === undefined ? [] : [new URL(faroUrl).origin])];
  return [
    "default-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function storefrontRouter(options: StorefrontOptions): Router {
  const router = express.Router();
  const csp = contentSecurityPolicy(options.settings.faroUrl);
  const settings = JSON.stringify(options.settings);
  router.get('/storefront-config.json', (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.type('application/json').send(settings);
  });
  router.use(
    express.static(options.dir, {
      index: 'index.html',
      setHeaders(res, file) {
        res.setHeader('x-content-type-options', 'nosniff');
        if (file.endsWith('.html')) {
          res.setHeader('cache-control', 'no-cache');
          res.setHeader('content-security-policy', csp);
        } else if (file.includes(`${path.sep}assets${path.sep}`)) {
          res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        }
      },
    }),
  );
  return router;
}
