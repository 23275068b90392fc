/**
 * Outbound HTTP metrics. Node's `http` client and undici (fetch) publish request lifecycle events on
 * diagnostics channels; subscribing there measures every outbound call (axios included) without
 * patching any client, and independently of whether the call's span was sampled. The SDK's own
 * exports are not the service's calls: the batch processors send them with tracing suppressed, and
 * calls made so are left out.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { TraceFlags, context, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { EXEMPLAR_SPAN_ID, EXEMPLAR_TRACE_ID, METHOD_OTHER } from './conventions';
import { observeWithExemplar, type KitMetrics } from './metrics';

interface Pending {
  readonly startedAt: number;
  readonly method: string;
  readonly host: string;
  readonly traceId?: string;
  readonly spanId?: string;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT']);

function begin(method: string | undefined, host: string): Pending | undefined {
  if (isTracingSuppressed(context.active())) return undefined;
  const spanContext = trace.getActiveSpan()?.spanContext();
  const sampled = spanContext !== undefined && (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0;
  const upper = method?.toUpperCase();
  return {
    startedAt: performance.now(),
    method: upper !== undefined && METHODS.has(upper) ? upper : METHOD_OTHER,
    host,
    ...(sampled ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : {}),
  };
}

function record(metrics: KitMetrics, pending: Pending, status: string): void {
  const labels = { method: pending.method, server_address: pending.host, status_code: status };
  const value = (performance.now() - pending.startedAt) / 1000;
  const exemplar =
    pending.traceId !== undefined && pending.spanId !== undefined
      ? { [EXEMPLAR_TRACE_ID]: pending.traceId, [EXEMPLAR_SPAN_ID]: pending.spanId }
      : undefined;
  observeWithExemplar(metrics.httpClientDuration, labels, value, exemplar);
}

interface UndiciRequest {
  origin?: string | URL;
  method?: string;
}

function undiciHost(request: UndiciRequest): string {
  try {
    return new URL(String(request.origin)).hostname;
  } catch {
    return 'unknown';
  }
}

/** Subscribes the outbound histogram to Node's and undici's channels; returns the unsubscriber. */
export function measureHttpClients(metrics: KitMetrics): () => void {
  const nodeCalls = new WeakMap<object, Pending>();
  const undiciCalls = new WeakMap<object, Pending>();
  const subscriptions: [string, (message: unknown) => void][] = [
    [
      'http.client.request.start',
      (message) => {
        const { request } = message as { request: ClientRequest };
        const pending = begin(request.method, request.host);
        if (pending !== undefined) nodeCalls.set(request, pending);
      },
    ],
    [
      'http.client.response.finish',
      (message) => {
        const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
        const pending = nodeCalls.get(request);
        if (pending === undefined) return;
        nodeCalls.delete(request);
        record(metrics, pending, String(response.statusCode ?? 0));
      },
    ],
    [
      'http.client.request.error',
      (message) => {
        const { request, error } = message as { request: ClientRequest; error: Error };
        const pending = nodeCalls.get(request);
        if (pending === undefined) return;
        nodeCalls.delete(request);
        record(metrics, pending, (error as NodeJS.ErrnoException).code ?? error.name);
      },
    ],
    [
      'undici:request:create',
      (message) => {
        const { request } = message as { request: UndiciRequest };
        const pending = begin(request.method, undiciHost(request));
        if (pending !== undefined) undiciCalls.set(request, pending);
      },
    ],
    [
      'undici:request:headers',
      (message) => {
        const { request, response } = message as {
          request: UndiciRequest;
          response: { statusCode: number };
        };
        const pending = undiciCalls.get(request);
        if (pending === undefined) return;
        undiciCalls.delete(request);
        record(metrics, pending, String(response.statusCode));
      },
    ],
    [
      'undici:request:error',
      (message) => {
        const { request, error } = message as { request: UndiciRequest; error: Error };
        const pending = undiciCalls.get(request);
        if (pending === undefined) return;
        undiciCalls.delete(request);
        record(metrics, pending, (error as NodeJS.ErrnoException).code ?? error.name);
      },
    ],
  ];
  for (const [name, listener] of subscriptions) diagnosticsChannel.subscribe(name, listener);
  return () => {
    for (const [name, listener] of subscriptions) diagnosticsChannel.unsubscribe(name, listener);
  };
}
