/**
 * A stand-in for the OpenTelemetry Collector in tests: an OTLP/HTTP receiver (JSON encoding) that
 * keeps every span and log record with the service that sent it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OtlpAttribute {
  readonly key: string;
  readonly value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
}
export interface ReceivedSpan {
  readonly service: string;
  readonly scope: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: readonly OtlpAttribute[];
  readonly links?: readonly { traceId: string; spanId: string }[];
}
export interface ReceivedLog {
  readonly service: string;
  readonly traceId?: string;
  readonly spanId?: string;
  readonly body?: { stringValue?: string };
}

interface Resource {
  attributes: OtlpAttribute[];
}
interface Payload {
  resourceSpans?: { resource: Resource; scopeSpans: { scope?: { name?: string }; spans: Omit<ReceivedSpan, 'service' | 'scope'>[] }[] }[];
  resourceLogs?: { resource: Resource; scopeLogs: { logRecords: Omit<ReceivedLog, 'service'>[] }[] }[];
}

export interface OtlpReceiver {
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  readonly logs: ReceivedLog[];
  close(): Promise<void>;
}

const serviceOf = (resource: Resource) => resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? 'unknown';

export function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const logs: ReceivedLog[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Payload;
        for (const rs of payload.resourceSpans ?? []) {
          for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push({ ...span, service: serviceOf(rs.resource), scope: ss.scope?.name ?? '' });
        }
        for (const rl of payload.resourceLogs ?? []) {
          for (const sl of rl.scopeLogs) for (const log of sl.logRecords) logs.push({ ...log, service: serviceOf(rl.resource) });
        }
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        spans,
        logs,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
