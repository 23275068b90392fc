/**
 * Builds and starts the OpenTelemetry SDK for a service, from standard OTEL_* environment variables:
 * traces and logs exported over OTLP/HTTP protobuf (batched, bounded queues), W3C trace context and
 * baggage, a parent-based sampler, and a deliberate set of instrumentations. Metrics stay on the
 * prom-client registry (one metrics path: Prometheus scrapes `/metrics`).
 */
import { context, diag, logs, trace, type TracerProvider } from '@opentelemetry/api';
import { logs as legacyLogs, type LoggerProvider as LegacyLoggerProvider } from '@opentelemetry/api-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import { BatchLogRecordProcessor, type LogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { measureHttpClients } from './http-client';
import { instrumentHttpServers } from './http-server';
import { getMetrics, type KitMetrics } from './metrics';
import { setTelemetry, type TelemetryHandle } from './state';

/** Paths that get metrics but no spans unless KIT_UNTRACED_PATHS says otherwise. */
export const DEFAULT_UNTRACED_PATHS = ['/livez', '/readyz', '/metrics'];
/** Upper bound on how long shutdown waits for the last export. */
const SHUTDOWN_TIMEOUT_MS = 5_000;

interface Exporter<T> {
  export(items: T[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/**
 * Wraps an exporter so every batch is counted as exported or failed. Export failures never throw
 * into the application: they become `kit_telemetry_export_failures_total{signal}`.
 */
export function countExports<T, E extends Exporter<T>>(exporter: E, signal: string, metrics: KitMetrics): E {
  const wrapped: Exporter<T> = {
    export(items, done) {
      exporter.export(items, (result) => {
        if (result.code === ExportResultCode.SUCCESS) metrics.exportedItems.inc({ signal }, items.length);
        else metrics.exportFailures.inc({ signal }, items.length);
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
  return wrapped as E;
}

/** The stock instrumentations the kit enables: outbound HTTP and fetch, PostgreSQL, Redis, RabbitMQ. */
export function kitInstrumentations(): Instrumentation[] {
  return [
    // inbound requests are traced by instrumentHttpServers(); this one only handles outbound calls
    new HttpInstrumentation({ disableIncomingRequestInstrumentation: true }),
    new UndiciInstrumentation(),
    // background pollers (outbox, health probes) would otherwise start a root trace per query
    new PgInstrumentation({ requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
    new AmqplibInstrumentation(),
  ];
}

function listFromEnv(value: string | undefined, fallback: readonly string[]): string[] {
  if (value === undefined) return [...fallback];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        diag.warn('telemetry flush failed', error);
        resolve();
      },
    );
  });
}

interface Flushable {
  forceFlush?(): Promise<void>;
}

/**
 * Starts telemetry for this process and records it as the process's handle. Returns undefined
 * when `OTEL_SDK_DISABLED=true`.
 */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): TelemetryHandle | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const metrics = getMetrics();
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || 'unknown_service:node';

  const sdk = new NodeSDK({
    serviceName,
    traceExporter: countExports<ReadableSpan, SpanExporter>(new OTLPTraceExporter(), 'traces', metrics),
    logRecordProcessors: [
      new BatchLogRecordProcessor({
        exporter: countExports<ReadableLogRecord, LogRecordExporter>(new OTLPLogExporter(), 'logs', metrics),
      }),
    ],
    // metrics are pulled by Prometheus from prom-client's /metrics, not pushed over OTLP
    metricReaders: [],
    instrumentations: kitInstrumentations(),
    // no cloud detectors: they probe metadata endpoints at start-up
    resourceDetectors: [envDetector, hostDetector, osDetector, processDetector, serviceInstanceIdDetector],
  });
  sdk.start();
  // The OpenTelemetry winston transport still speaks the older @opentelemetry/api-logs package;
  // hand it the same provider so its records reach the SDK.
  legacyLogs.setGlobalLoggerProvider(logs.getLoggerProvider() as unknown as LegacyLoggerProvider);

  const stopServer = instrumentHttpServers({
    metrics,
    untracedPaths: listFromEnv(env.KIT_UNTRACED_PATHS, DEFAULT_UNTRACED_PATHS),
  });
  const stopClient = measureHttpClients(metrics);

  let stopped: Promise<void> | undefined;
  const handle: TelemetryHandle = {
    serviceName,
    forceFlush() {
      const tracerProvider = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => Flushable };
      const loggerProvider = logs.getLoggerProvider() as unknown as Flushable;
      return withTimeout(
        Promise.all([tracerProvider.getDelegate?.().forceFlush?.(), loggerProvider.forceFlush?.()]),
        SHUTDOWN_TIMEOUT_MS,
      );
    },
    shutdown() {
      stopped ??= (async () => {
        stopServer();
        stopClient();
        await withTimeout(sdk.shutdown(), SHUTDOWN_TIMEOUT_MS);
        context.disable();
      })();
      return stopped;
    },
  };
  setTelemetry(handle);
  return handle;
}
