/**
 * The gateway app: the kit's single public entry point. Order of concerns: request id, CORS, rate
 * limit, the chaos API and the gateway's own faults (when enabled), then routes to the services, the
 * aggregated health, admin routes behind a token, and the browser storefront at `/`.
 */
import { randomUUID } from 'node:crypto';
import { bearerMatches, chaosMiddleware, createLoadGuard, jsonBody, withDeadline, type HttpDependency, type ServiceChaos } from '@kit/service';
import { ATTR_KIT_REQUEST_ID, AppError, errorHandler, notFound, opsRouter, requestLogger, type Lifecycle, type Logger } from '@kit/telemetry';
import { trace } from '@opentelemetry/api';
import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { chaosApi, type ChaosControl } from './chaos';
import { forwardTo } from './proxy';
import { storefrontRouter, type StorefrontOptions } from './storefront';

export type { ChaosControl, ControlAnswer, ControlRequest } from './chaos';

export interface Upstreams {
  readonly catalog: HttpDependency;
  readonly orders: HttpDependency;
  readonly inventory: HttpDependency;
  readonly notifications: HttpDependency;
  /** Not routed publicly; the gateway reaches it only for its chaos API. */
  readonly payments: HttpDependency;
}

export interface GatewayDeps {
  readonly upstreams: Upstreams;
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
  /** Requests per client per minute. */
  readonly rateLimitPerMinute: number;
  /** Origins allowed to call the API from a browser (`*` for any). */
  readonly corsOrigins: readonly string[];
  /** Enables /api/admin/*; callers send `Authorization: Bearer <token>`. */
  readonly adminToken?: string | undefined;
  /** Enables the chaos API (/api/chaos) and the gateway's own faults. */
  readonly chaos?: ServiceChaos | undefined;
  /**
   * Where chaos control calls go, per service: its base URL, or a function that answers them (the
   * monolith's in-process modules). They bypass the data path's breakers.
   */
  readonly chaosTargets?: Readonly<Record<string, string | ChaosControl>>;
  /** Serves the browser storefront and its runtime settings at `/`. */
  readonly storefront?: StorefrontOptions | undefined;
  /** Each request's total budget (default DEFAULT_DEADLINES); a checkout gets its own, in one attempt. */
  readonly deadlines?: Deadlines | undefined;
}

/** The gateway's deadline policy, per route. */
export interface Deadlines {
  /** Every routed request, retries included. */
  readonly defaultMs: number;
  /** POST /api/orders: one attempt gets all of it, so orders may use every retry it has inside. */
  readonly checkoutMs: number;
}

export const DEFAULT_DEADLINES: Deadlines = { defaultMs: 5_000, checkoutMs: 10_000 };

/**
 * Starts the request's deadline from the gateway's policy (a route may start its own, replacing it);
 * a client's own x-kit-deadline-ms is not trusted (nor forwarded). Each call to a service passes on
 * what is left.
 */
function startDeadline(ms: number): RequestHandler {
  return (_req, _res, next) => {
    withDeadline(ms, () => next());
  };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const id = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
    req.headers['x-request-id'] = id;
    res.setHeader('x-request-id', id);
    trace.getActiveSpan()?.setAttribute(ATTR_KIT_REQUEST_ID, id);
    next();
  };
}

function adminOnly(token: string): RequestHandler {
  return (req, _res, next) => {
    if (!bearerMatches(req.get('authorization'), token)) throw new AppError(401, 'unauthorized', 'admin token missing or wrong');
    req.headers['x-admin-token'] = token;
    next();
  };
}

export function createApp(deps: GatewayDeps): Express {
  const { upstreams, logger } = deps;
  const deadlines = deps.deadlines ?? DEFAULT_DEADLINES;
  const app = express();
  app.disable('x-powered-by');
  // one proxy hop in front (compose, ingress) so the client address is the real one
  app.set('trust proxy', 1);
  app.use(opsRouter({ lifecycle: deps.lifecycle }));
  app.use(requestId());
  app.use(startDeadline(deadlines.defaultMs));
  app.use(requestLogger(logger));
  // shed load (503 + Retry-After) while overloaded, and report not-ready / not-live meanwhile
  app.use(createLoadGuard({ lifecycle: deps.lifecycle }).middleware);
  app.use(
    cors({
      origin: deps.corsOrigins.includes('*') ? true : [...deps.corsOrigins],
      allowedHeaders: ['content-type', 'idempotency-key', 'x-request-id', 'traceparent', 'tracestate', 'baggage', 'authorization'],
      exposedHeaders: ['x-request-id', 'retry-after', 'location'],
      maxAge: 600,
    }),
  );
  if (deps.chaos !== undefined) {
    // the control plane: token-guarded, ahead of the rate limit and of the faults, so neither a
    // flood of shop traffic nor a fault on the gateway stops you from cancelling a fault
    app.use('/api/chaos', jsonBody({ size: '8kb' }));
    app.use(
      chaosApi({
        token: deps.chaos.token,
        own: deps.chaos.faults,
        services: deps.chaosTargets ?? {},
        ready: async () => (await deps.lifecycle.readiness()).ready,
      }),
    );
  }
  app.use(
    '/api',
    rateLimit({
      windowMs: 60_000,
      limit: deps.rateLimitPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, res, _next, options) => {
        res.status(options.statusCode).json({ error: { code: 'rate_limited', message: 'too many requests; retry after the Retry-After seconds' } });
      },
    }),
  );
  // hostile bodies (too deep, too wide, not UTF-8 JSON) end here, before anything is forwarded
  app.use(jsonBody({ size: '64kb' }));
  if (deps.chaos !== undefined) app.use(chaosMiddleware(deps.chaos.faults));

  const strip = (prefix: string) => (path: string) => path.slice(prefix.length) || '/';
  app.get('/api/health', async (_req, res) => {
    const entries = await Promise.all(
      [upstreams.catalog, upstreams.orders, upstreams.inventory, upstreams.notifications].map(async (upstream) => {
        try {
          const answer = await upstream.request<unknown>({ method: 'GET', path: '/readyz', idempotent: false });
          return [upstream.name, answer.status === 200 ? 'ready' : 'not_ready'] as const;
        } catch {
          return [upstream.name, 'unreachable'] as const;
        }
      }),
    );
    const ready = entries.every(([, state]) => state === 'ready');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'degraded', services: Object.fromEntries(entries) });
  });
  // catalog's public API only: its operations routes (/metrics, /readyz, /chaos) stay unreachable from outside
  const catalog = forwardTo(upstreams.catalog, strip('/api/catalog'));
  app.get(['/api/catalog/categories', '/api/catalog/products', '/api/catalog/products/:id', '/api/catalog/products/:id/recommendations'], catalog);
  const orders = forwardTo(upstreams.orders, strip('/api'));
  // a checkout's one attempt may take the whole deadline: a shorter attempt would retry (and load
  // orders twice) while the first checkout is still running
  app.post('/api/orders', startDeadline(deadlines.checkoutMs), forwardTo(upstreams.orders, strip('/api'), { timeoutMs: deadlines.checkoutMs }));
  app.get('/api/orders/:id', orders);
  app.get('/api/stock/:productId', forwardTo(upstreams.inventory, strip('/api')));
  app.get('/api/notifications', forwardTo(upstreams.notifications, strip('/api')));
  if (deps.adminToken !== undefined) {
    app.use('/api/admin', adminOnly(deps.adminToken));
    app.put('/api/admin/stock/:productId', forwardTo(upstreams.inventory, (path) => path.replace('/api', '')));
  }
  if (deps.storefront !== undefined) app.use(storefrontRouter(deps.storefront));
  app.use(notFound());
  app.use(errorHandler(logger));
  return app;
}
