/**
 * Starts a service's HTTP server the same way everywhere: listen, mark the service started (readiness
 * turns 200), log where it listens, and wire SIGTERM/SIGINT to the ordered, bounded shutdown.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { installShutdown, type Closer, type Lifecycle, type Logger } from '@kit/telemetry';
import type { Express } from 'express';

export interface StartOptions {
  readonly name: string;
  readonly app: Express;
  readonly port: number;
  readonly host: string;
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
  readonly closers?: readonly Closer[];
  readonly drainDelayMs?: number;
  readonly timeoutMs?: number;
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
    const server = options.app.listen(options.port, options.host);
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
        drainDelayMs: options.drainDelayMs ?? 0,
        timeoutMs: options.timeoutMs ?? 10_000,
      });
      resolve({ server, port, stop });
    });
  });
}

/** For main.ts: report a start-up failure (bad config, unreachable store) and exit 1. */
export function exitOnStartFailure(name: string): (error: unknown) => never {
  return (error) => {
    const detail = error instanceof Error ? (error.name === 'ConfigError' ? error.message : (error.stack ?? error.message)) : String(error);
    process.stderr.write(`${name} failed to start: ${detail}\n`);
    process.exit(1);
  };
}
