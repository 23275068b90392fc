/**
 * Starts a service's HTTP server the same way everywhere: listen, mark the service started (readiness
 * turns 200), log where it listens, and wire SIGTERM/SIGINT to the ordered, bounded shutdown.
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { errorHandler, installShutdown, notFound, opsRouter, requestLogger, type Closer, type Lifecycle, type Logger } from '@kit/telemetry';
import express, { type Express, type Router } from 'express';
import type { Chaos } from './chaos';
import { chaosMiddleware, chaosRouter } from './chaos-http';
import { deadlineMiddleware } from './deadline';
import { jsonBody } from './json-body';
import { createLoadGuard, type LoadLimits } from './load';

/** The shared keys of every service's config (see baseConfigShape). */
export interface ServerConfig {
  readonly PORT: number;
  readonly HOST: string;
  readonly DRAIN_DELAY_MS: number;
  readonly SHUTDOWN_TIMEOUT_MS: number;
}

export interface StartOptions {
  readonly name: string;
  readonly app: Express;
  readonly config: ServerConfig;
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
  readonly closers?: readonly Closer[];
  /** Extra fields for the "listening" log line (store kind, upstreams …). */
  readonly describe?: Record<string, unknown>;
}

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  /** Runs the shutdown sequence (what SIGTERM does). */
  stop(reason: string): Promise<void>;
}

export function startServer(options: StartOptions): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = options.app.listen(options.config.PORT, options.config.HOST);
    server.on('clientError', answerClientError);
    server.once('error', reject);
    server.once('listening', () => {
      const { port } = server.address() as AddressInfo;
      options.lifecycle.markStarted();
      options.logger.info(`${options.name} listening`, { port, ...options.describe });
      const stop = installShutdown({
        server,
        lifecycle: options.lifecycle,
        logger: options.logger,
        closers: options.closers ?? [],
        drainDelayMs: options.config.DRAIN_DELAY_MS,
        timeoutMs: options.config.SHUTDOWN_TIMEOUT_MS,
      });
      resolve({ server, port, stop });
    });
  });
}

/**
 * What Node's HTTP parser refuses before Express sees it (malformed request line, duplicate
 * Content-Length, headers over the size limit, CR/LF inside a header): answered with the kit's JSON
 * error shape instead of Node's empty 400/431, then the connection is closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || pending?.headersSent === true) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'the request was not received in time']
        : [400, 'malformed_request', 'the request is not valid HTTP/1.1'];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${String(status)} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export interface ServiceAppOptions {
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
  /** The service's own routes. */
  readonly routes: Router;
  /** Largest JSON body accepted (a larger one gets a 413); the shape limits are jsonBody's. */
  readonly jsonLimit?: string;
  /** Chaos faults (when the service enables them) and the token their routes require. */
  readonly chaos?: ServiceChaos | undefined;
  /** When to shed load and report not-ready / not-live (defaults: DEFAULT_LOAD_LIMITS). */
  readonly load?: Partial<LoadLimits>;
  /** The longest deadline a request gets here (the default without a caller's header, and its cap); DEFAULT_MAX_DEADLINE_MS. */
  readonly maxDeadlineMs?: number;
}

export interface ServiceChaos {
  readonly faults: Chaos;
  readonly token: string;
}

/**
 * The Express app every service shares, around its own routes: health and metrics first (no body
 * parsing, no request log, never touched by faults), the chaos routes when enabled (before the
 * faults, so a hang can still be cancelled), request logging, the request's deadline (a caller with
 * no time left gets a 504 at once), load shedding, the request faults, JSON bodies, the routes, the
 * JSON 404 and the one error middleware.
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRouter({ lifecycle: options.lifecycle }));
  if (options.chaos !== undefined) app.use(chaosRouter(options.chaos.faults, options.chaos.token));
  app.use(requestLogger(options.logger));
  app.use(deadlineMiddleware(options.maxDeadlineMs === undefined ? {} : { maxMs: options.maxDeadlineMs }));
  app.use(createLoadGuard({ lifecycle: options.lifecycle, ...(options.load === undefined ? {} : { limits: options.load }) }).middleware);
  if (options.chaos !== undefined) app.use(chaosMiddleware(options.chaos.faults));
  app.use(jsonBody(options.jsonLimit === undefined ? {} : { size: options.jsonLimit }));
  app.use(options.routes);
  app.use(notFound());
  app.use(errorHandler(options.logger));
  return app;
}

/** For main.ts: report a start-up failure (bad config, unreachable store) and exit 1. */
export function exitOnStartFailure(name: string): (error: unknown) => never {
  return (error) => {
    const detail = error instanceof Error ? (error.name === 'ConfigError' ? error.message : (error.stack ?? error.message)) : String(error);
    process.stderr.write(`${name} failed to start: ${detail}\n`);
    process.exit(1);
  };
}
