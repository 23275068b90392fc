/**
 * Express helpers every service mounts: request logging, the single error middleware, the JSON 404,
 * and the operations routes (`/livez`, `/readyz`, `/metrics`).
 */
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { ATTR_ERROR_TYPE } from './conventions';
import { AppError, UpstreamError } from './errors';
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
 * Responses whose 5xx is an expected refusal (an open circuit, a full bulkhead): the dependency logs
 * those per episode with a count, so neither the error middleware nor the request log raises them.
 */
const expectedRefusals = new WeakSet<object>();

/**
 * Logs each finished request once (`http` level; `warn` for 4xx is too noisy under scanners, so only
 * 5xx are raised to `error`, except expected refusals), inside the request's trace context so the
 * line carries its trace id.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    const requestContext = context.active();
    res.once('finish', () => {
      const level = res.statusCode >= 500 && !expectedRefusals.has(res) ? 'error' : 'http';
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

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The id a client can quote: the gateway's x-request-id, else the request's trace id. */
function requestIdOf(header: string | undefined): string | undefined {
  if (header !== undefined && REQUEST_ID.test(header)) return header;
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext === undefined || /^0+$/.test(spanContext.traceId) ? undefined : spanContext.traceId;
}

/** Fixed client-facing messages for server errors, by code: no exception text ever reaches a body. */
const SERVER_MESSAGES: Readonly<Record<string, string>> = {
  internal: 'Internal server error',
};

/** The chain of causes as short text, for the log (never for a body). */
function causes(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    if (!(current instanceof Error)) {
      parts.push(typeof current === 'string' ? current : 'non-error value');
      break;
    }
    const code = (current as { code?: unknown }).code;
    parts.push(`${current.name}${typeof code === 'string' ? ` ${code}` : ''}: ${current.message}`);
    current = current.cause;
  }
  return parts.join(' <- ');
}

/**
 * The one error middleware: records server errors on the active span (exception event, status ERROR,
 * `error.type`), logs once, and answers `{ error: { code, message, requestId } }`. A server error's
 * message is fixed per code (or, for a dependency, a fixed phrase naming it); the exception's text
 * and stack go to the log only. Logging: unexpected errors at `error` with the stack; a dependency
 * that failed at `warn` with its causes, no stack; refusals of an open circuit or a full bulkhead
 * not per request at all (the dependency logs each episode once, with a count).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    const appError = toAppError(error);
    const original = error instanceof Error ? error : appError;
    const requestId = requestIdOf(req.get('x-request-id'));
    if (appError.status >= 500) {
      const span = trace.getActiveSpan();
      span?.recordException(original);
      span?.setStatus({ code: SpanStatusCode.ERROR, message: original.message });
      span?.setAttribute(ATTR_ERROR_TYPE, original.name);
      markErrorType(res, original.name);
      if (appError instanceof UpstreamError && appError.rejected) {
        expectedRefusals.add(res);
      } else if (appError instanceof UpstreamError) {
        logger.warn(appError.message, { 'error.type': original.name, dependency: appError.dependency, reason: appError.reason, cause: causes(appError.cause), request_id: requestId });
      } else {
        logger.error(original.message, { 'error.type': original.name, 'exception.stacktrace': original.stack, cause: causes(original.cause), request_id: requestId });
      }
    } else {
      logger.info(`rejected request: ${appError.message}`, { 'error.code': appError.code, status: appError.status, request_id: requestId });
    }
    if (res.headersSent) {
      next(error);
      return;
    }
    const body: { code: string; message: string; details?: unknown; requestId?: string } = {
      code: appError.code,
      message: appError.expose ? appError.message : (SERVER_MESSAGES[appError.code] ?? (appError.status >= 500 ? 'Internal server error' : 'Bad request')),
    };
    if (appError.expose && appError.details !== undefined) body.details = appError.details;
    if (requestId !== undefined) body.requestId = requestId;
    res.status(appError.status).json({ error: body });
  };
}
