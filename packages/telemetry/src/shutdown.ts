/**
 * Ordered, bounded graceful shutdown: readiness turns 503, the server stops accepting and drains
 * in-flight requests, clients close in order, telemetry flushes, the process exits — and a hard cap
 * exits anyway if any step hangs.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lifecycle } from './express';
import type { Logger } from './logger';
import { getTelemetry } from './state';

export interface Closer {
  readonly name: string;
  close(): Promise<void> | void;
}

export interface ShutdownOptions {
  readonly server: Server;
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
  /**
   * Time readiness reports 503 before the server stops accepting, so load balancers move away.
   * Requests are still answered meanwhile, each with `Connection: close`.
   */
  readonly drainDelayMs?: number;
  /** Hard cap for the whole sequence; past it the process exits with code 1. */
  readonly timeoutMs?: number;
  /** Closed in order after the server has drained (stores, brokers, timers). */
  readonly closers?: readonly Closer[];
  /** Exit hook, injectable for tests. */
  readonly exit?: (code: number) => void;
}

function closeAfterAnswer(_req: IncomingMessage, res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('connection', 'close');
}

/** Closes the server and resolves once every connection is gone, nudging idle keep-alives shut. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const nudge = setInterval(() => server.closeIdleConnections(), 100);
    nudge.unref();
    server.close(() => {
      clearInterval(nudge);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Runs the shutdown sequence once (later calls return the same promise). Exit code 0 when every
 * step finished in time, 1 otherwise.
 */
export function createShutdown(options: ShutdownOptions): (reason: string) => Promise<void> {
  const { server, lifecycle, logger, drainDelayMs = 0, timeoutMs = 10_000, closers = [] } = options;
  // a clean sequence keeps an exit code the process already chose (a service that shuts itself down
  // after losing a dependency sets process.exitCode = 1 first)
  const exit = options.exit ?? ((code: number) => process.exit(code === 0 && typeof process.exitCode === 'number' ? process.exitCode : code));
  let running: Promise<void> | undefined;
  return (reason) => {
    running ??= (async () => {
      const hardCap = setTimeout(() => {
        logger.error('shutdown timed out; exiting', { timeout_ms: timeoutMs });
        exit(1);
      }, timeoutMs);
      hardCap.unref();
      let code = 0;
      logger.info('shutting down', { reason });
      lifecycle.startDraining();
      // from now on every answer ends its connection: a kept-alive client opens a new one for its
      // next call (to another replica, or refused once the port is closed) instead of finding a
      // socket this process is about to cut
      server.prependListener('request', closeAfterAnswer);
      if (drainDelayMs > 0) await sleep(drainDelayMs);
      await closeServer(server);
      for (const closer of closers) {
        try {
          await closer.close();
        } catch (error) {
          code = 1;
          logger.error(`closing ${closer.name} failed`, { 'error.type': error instanceof Error ? error.name : 'Error' });
        }
      }
      logger.info('shutdown complete', { reason });
      await getTelemetry()?.shutdown();
      clearTimeout(hardCap);
      exit(code);
    })();
    return running;
  };
}

/**
 * Wires SIGTERM/SIGINT to the shutdown sequence, and makes unhandled errors log, flush and exit 1
 * instead of leaving a half-broken process behind.
 */
export function installShutdown(options: ShutdownOptions): (reason: string) => Promise<void> {
  const shutdown = createShutdown(options);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void shutdown(signal));
  }
  const fatal = (kind: string) => (error: unknown) => {
    options.logger.error(`${kind}: ${error instanceof Error ? error.message : String(error)}`, {
      'error.type': error instanceof Error ? error.name : typeof error,
      'exception.stacktrace': error instanceof Error ? error.stack : undefined,
    });
    const exit = options.exit ?? ((code: number) => process.exit(code));
    void (getTelemetry()?.shutdown() ?? Promise.resolve()).finally(() => exit(1));
  };
  process.once('uncaughtException', fatal('uncaught exception'));
  process.once('unhandledRejection', fatal('unhandled rejection'));
  return shutdown;
}
