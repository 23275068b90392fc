/**
 * Express helpers every service mounts: request logging, the single error middleware, the JSON 404,
 * and the operations routes (`/livez`, `/readyz`, `/metrics`).
 */
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { ATTR_ERROR_TYPE } from './conventions';
import { AppError } from './errors';
import { markErrorType, routeTemplate } from './http-server';
import type { Logger } from './logger';
import { getMetrics, OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE, wantsOpenMetrics, type KitMetrics } from './metrics';

/**
 * A dependency the service needs before it can take traffic. Not ready when `check` throws, rejects
 * or returns (resolves to) `false`; any other outcome counts as ready.
 */
export interface ReadinessCheck {
  readonly name: string;
  check(): unknown;
}

/** What `/readyz` reports: false while starting, draining for shutdown, or when a check fails. */
export class Lifecycle {
  private started = false;
  private drainingSince: number | undefined;
  private readonly checks: ReadinessCheck[];
  private readonly livenessChecks: (() => string | undefined)[] = [];
  constructor(checks: readonly ReadinessCheck[] = []) {
    this.checks = [...checks];
  }
  /** Another condition for readiness (a dependency, or the service's own load). */
  addCheck(check: ReadinessCheck): void {
    this.checks.push(check);
  }
  /** A condition for liveness: returns why the process should be restarted, or undefined. */
  addLivenessCheck(check: () => string | undefined): void {
    this.livenessChecks.push(check);
  }
  liveness(): { live: boolean; reason?: string } {
    for (const check of this.livenessChecks) {
      const reason = check();
      if (reason !== undefined) return { live: false, reason };
    }
    return { live: true };
  }
  markStarted(): void {
    this.started = true;
  }
  startDraining(): void {
    this.drainingSince ??= Date.now();
  }
  get draining(): boolean {
    return this.drainingSince !== undefined;
  }
  async readiness(): Promise<{ ready: boolean; reason?: string; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    if (this.draining) return { ready: false, reason: 'draining', checks };
    if (!this.started) return { ready: false, reason: 'starting', checks };
    const results = await Promise.all(
      this.checks.map(async (dependency) => {
        try {
          const ok = (await dependency.check()) !== false;
          checks[dependency.name] = ok ? 'ok' : 'failing';
          return ok;
        } catch (error) {
          checks[dependency.name] = error instanceof Error ? error.message : 'failing';
          return false;
        }
      }),
    );
    const ready = results.every(Boolean);
    return ready ? { ready, checks } : { ready, reason: 'dependency', checks };
  }
}

export interface OpsRouterOptions {
  readonly lifecycle: Lifecycle;
  readonly metrics?: KitMetrics;
}

/** `GET /livez`, `GET /readyz` and `GET /metrics` (Prometheus text, or OpenMetrics with exemplars). */
export function opsRouter(options: OpsRouterOptions): Router {
  const { lifecycle } = options;
  const metrics = options.metrics ?? getMetrics();
  const router = Router();
  router.get('/livez', (_req, res) => {
    const state = lifecycle.liveness();
    res.status(state.live ? 200 : 503).json(state.live ? { status: 'ok' } : { status: 'not_live', reason: state.reason });
  });
  router.get('/readyz', async (_req, res) => {
    const state = await lifecycle.readiness();
    res.status(state.ready ? 200 : 503).json({ status: state.ready ? 'ready' : 'not_ready', ...state });
  });
  router.get('/metrics', async (req, res) => {
    const openMetrics = wantsOpenMetrics(req.headers.accept);
    const body = await metrics.render(openMetrics);
    res.set('Content-Type', openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE).send(body);
  });
  return router;
}

/**
 * Logs each finished request once (`http` level; `warn` for 4xx is too noisy under scanners, so only
 * 5xx are raised to `error`), inside the request's trace context so the line carries its trace id.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    const requestContext = context.active();
    res.once('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : 'http';
      if (!logger.isLevelEnabled(level)) return;
      context.with(requestContext, () => {
        logger.log(level, 'request completed', {
          'http.request.method': req.method,
          'http.route': routeTemplate(req),
          'http.response.status_code': res.statusCode,
          duration_ms: Number(process.hrtime.bigint() - startedAt) / 1e6,
        });
      });
    });
    next();
  };
}

/** The JSON 404 for every path no route matched. */
export function notFound(): RequestHandler {
  return (req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: `No route for ${req.method} ${req.path}` } });
  };
}

interface HttpErrorLike {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  type?: unknown;
  issues?: unknown;
  message?: unknown;
}

/** Maps anything thrown to an AppError: ours as is, body-parser's and zod's to 4xx, the rest to 500. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const like = (typeof error === 'object' && error !== null ? error : {}) as HttpErrorLike;
  if (Array.isArray(like.issues)) {
    const first = like.issues[0] as { path?: unknown[]; message?: string } | undefined;
    const field = first?.path?.map(String).join('.') ?? '';
    return new AppError(400, 'invalid_request', `${field === '' ? 'request' : field}: ${first?.message ?? 'invalid'}`, {
      cause: error,
    });
  }
  const status = typeof like.status === 'number' ? like.status : like.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = typeof like.type === 'string' ? like.type.replace(/\W+/g, '_') : 'bad_request';
    const message = like.expose === true && typeof like.message === 'string' ? like.message : 'Bad request';
    return new AppError(status, code, message, { cause: error });
  }
  return new AppError(500, 'internal', 'Internal server error', { cause: error, expose: false });
}

/**
 * The one error middleware: records server errors on the active span (exception event, status ERROR,
 * `error.type`), logs once, and answers `{ error: { code, message } }` without stacks.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    const appError = toAppError(error);
    const original = error instanceof Error ? error : appError;
    if (appError.status >= 500) {
      const span = trace.getActiveSpan();
      span?.recordException(original);
      span?.setStatus({ code: SpanStatusCode.ERROR, message: original.message });
      span?.setAttribute(ATTR_ERROR_TYPE, original.name);
      markErrorType(res, original.name);
      logger.error(original.message, { 'error.type': original.name, 'exception.stacktrace': original.stack });
    } else {
      logger.info(`rejected request: ${appError.message}`, { 'error.code': appError.code, status: appError.status });
    }
    if (res.headersSent) {
      next(error);
      return;
    }
    const body: { code: string; message: string; details?: unknown } = {
      code: appError.code,
      message: appError.expose ? appError.message : 'Internal server error',
    };
    if (appError.expose && appError.details !== undefined) body.details = appError.details;
    res.status(appError.status).json({ error: body });
  };
}
