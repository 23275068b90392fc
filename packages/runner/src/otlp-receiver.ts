/**
 * A stand-in for an OTLP backend in tests — the Collector itself, or Tempo and Loki behind it: an
 * OTLP/HTTP receiver (JSON encoding, gzip or not) that keeps every span and log record with the
 * resource that sent it, each request's raw body and path, and when the first data arrived.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface OtlpAttribute {
  readonly key: string;
  readonly value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
}
export interface ReceivedSpan {
  readonly service: string;
  readonly resource: readonly OtlpAttribute[];
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
  readonly resource: readonly OtlpAttribute[];
  readonly traceId?: string;
  readonly spanId?: string;
  readonly severityText?: string;
  readonly body?: { stringValue?: string };
  readonly attributes?: readonly OtlpAttribute[];
}
export interface ReceivedRequest {
  readonly path: string;
  readonly at: number;
  /** The decoded (gunzipped) JSON text as it arrived. */
  readonly body: string;
}

interface Resource {
  attributes: OtlpAttribute[];
}
interface Payload {
  resourceSpans?: { resource: Resource; scopeSpans: { scope?: { name?: string }; spans: Omit<ReceivedSpan, 'service' | 'scope' | 'resource'>[] }[] }[];
  resourceLogs?: { resource: Resource; scopeLogs: { logRecords: Omit<ReceivedLog, 'service' | 'resource'>[] }[] }[];
}

export interface OtlpReceiver {
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  readonly logs: ReceivedLog[];
  readonly requests: ReceivedRequest[];
  /** Answers every request with this status (a backend refusing data) until called with undefined. */
  refuseWith(status: number | undefined): void;
  close(): Promise<void>;
}

/** The string value of an attribute, if it has one. */
export const attribute = (attributes: readonly OtlpAttribute[] | undefined, key: string): string | undefined => {
  const value = attributes?.find((a) => a.key === key)?.value;
  if (value === undefined) return undefined;
  return value.stringValue ?? (value.intValue === undefined ? undefined : String(value.intValue));
};

const serviceOf = (resource: Resource) => resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? 'unknown';

export function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const logs: ReceivedLog[] = [];
  const requests: ReceivedRequest[] = [];
  let refusal: number | undefined;
  const server = http.createServer((req, res) => {
    if (refusal !== undefined) {
      req.resume();
      res.writeHead(refusal, { 'Content-Type': 'application/json' }).end('{"code":3,"message":"refused by the test"}');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const raw = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        const payload = JSON.parse(text) as Payload;
        requests.push({ path: req.url ?? '/', at: Date.now(), body: text });
        for (const rs of payload.resourceSpans ?? []) {
          for (const ss of rs.scopeSpans) {
            for (const span of ss.spans) spans.push({ ...span, service: serviceOf(rs.resource), resource: rs.resource.attributes, scope: ss.scope?.name ?? '' });
          }
        }
        for (const rl of payload.resourceLogs ?? []) {
          for (const sl of rl.scopeLogs) for (const log of sl.logRecords) logs.push({ ...log, service: serviceOf(rl.resource), resource: rl.resource.attributes });
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
        requests,
        refuseWith: (status) => {
          refusal = status;
        },
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
