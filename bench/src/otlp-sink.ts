/**
 * A minimal OTLP/HTTP receiver for the overhead benchmark: it accepts POST /v1/traces, /v1/logs and
 * /v1/metrics on 127.0.0.1 (ephemeral port), reads and discards each body, counts requests and bytes
 * per path, and answers 200 with an empty protobuf body. It runs inside the driver process
 * (`node bench/dist/overhead.js`), which points the children's OTEL_EXPORTER_OTLP_ENDPOINT at it.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const OTLP_PATHS = ['/v1/traces', '/v1/logs', '/v1/metrics'] as const;
export type OtlpPath = (typeof OTLP_PATHS)[number];

export interface PathStats {
  /** Requests whose body was received completely. */
  readonly requests: number;
  readonly bytes: number;
}

export type SinkStats = Record<OtlpPath, PathStats>;

export interface Sink {
  readonly port: number;
  /** A snapshot of the counters so far. */
  stats(): SinkStats;
  close(): Promise<void>;
}

function emptyStats(): Record<OtlpPath, { requests: number; bytes: number }> {
  return {
    '/v1/traces': { requests: 0, bytes: 0 },
    '/v1/logs': { requests: 0, bytes: 0 },
    '/v1/metrics': { requests: 0, bytes: 0 },
  };
}

function isOtlpPath(path: string): path is OtlpPath {
  return (OTLP_PATHS as readonly string[]).includes(path);
}

function handler(counters: ReturnType<typeof emptyStats>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '').split('?', 1)[0] ?? '';
    if (req.method !== 'POST' || !isOtlpPath(path)) {
      res.writeHead(404).end();
      req.resume();
      return;
    }
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      counters[path].requests += 1;
      counters[path].bytes += bytes;
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': '0' }).end();
    });
    // a child killed mid-export aborts its request; it is simply not counted
    req.on('error', () => undefined);
  };
}

export function startSink(): Promise<Sink> {
  const counters = emptyStats();
  const server = http.createServer(handler(counters));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        stats: () => structuredClone(counters),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
