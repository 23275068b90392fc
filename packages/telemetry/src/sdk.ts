/**
 * Builds and starts the OpenTelemetry SDK for a service, from standard OTEL_* environment variables:
 * traces and logs exported over OTLP/HTTP protobuf (batched, bounded queues), W3C trace context and
 * baggage, a parent-based sampler, and a deliberate set of instrumentations. Metrics stay on the
 * prom-client registry (one metrics path: Prometheus scrapes `/metrics`).
 */
import { context, diag, logs, trace, type TracerProvider } from '@opentelemetry/api';
import { logs as legacyLogs } from '@opentelemetry/api-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  hostDetector,
  osDetector,
  processDetector,
  resourceAttributesEnvDetector,
  serviceInstanceIdDetector,
  serviceNameEnvDetector,
} from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  type LogRecordExporter,
  type LogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
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

type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** The OTLP protocol for one signal, from the standard variables; http/protobuf by default. */
export function otlpProtocol(env: NodeJS.ProcessEnv, signal: 'TRACES' | 'LOGS'): OtlpProtocol {
  const value = (env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim();
  if (value === undefined || value === '' || value === 'http/protobuf') return 'http/protobuf';
  if (value === 'http/json' || value === 'grpc') return value;
  diag.warn(`unsupported OTLP protocol "${value}"; using http/protobuf`);
  return 'http/protobuf';
}

function traceExporterFor(protocol: OtlpProtocol): SpanExporter {
  if (protocol === 'grpc') return new GrpcTraceExporter();
  return protocol === 'http/json' ? new JsonTraceExporter() : new ProtoTraceExporter();
}

function logExporterFor(protocol: OtlpProtocol): LogRecordExporter {
  if (protocol === 'grpc') return new GrpcLogExporter();
  return protocol === 'http/json' ? new JsonLogExporter() : new ProtoLogExporter();
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

/** Replaces the OTLP pipelines, for tests that read spans and log records in memory. */
export interface TelemetryOverrides {
  readonly spanProcessors?: SpanProcessor[];
  readonly logRecordProcessors?: LogRecordProcessor[];
}

/**
 * Starts telemetry for this process and records it as the process's handle. Returns undefined
 * when `OTEL_SDK_DISABLED=true`.
 */
export function startTelemetry(
  env: NodeJS.ProcessEnv = process.env,
  overrides: TelemetryOverrides = {},
): TelemetryHandle | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const metrics = getMetrics();
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || 'unknown_service:node';
  const traces =
    overrides.spanProcessors === undefined
      ? // batch processor built by NodeSDK from OTEL_BSP_* (bounded queue: 2048 spans by default)
        { traceExporter: countExports<ReadableSpan, SpanExporter>(traceExporterFor(otlpProtocol(env, 'TRACES')), 'traces', metrics) }
      : { spanProcessors: overrides.spanProcessors };

  const sdk = new NodeSDK({
    serviceName,
    ...traces,
    logRecordProcessors: overrides.logRecordProcessors ?? [
      new BatchLogRecordProcessor({
        exporter: countExports<ReadableLogRecord, LogRecordExporter>(logExporterFor(otlpProtocol(env, 'LOGS')), 'logs', metrics),
      }),
    ],
    // metrics are pulled by Prometheus from prom-client's /metrics, not pushed over OTLP
    metricReaders: [],
    instrumentations: kitInstrumentations(),
    // no cloud detectors: they probe metadata endpoints at start-up
    resourceDetectors: [
      resourceAttributesEnvDetector,
      serviceNameEnvDetector,
      hostDetector,
      osDetector,
      processDetector,
      serviceInstanceIdDetector,
    ],
  });
  sdk.start();
  // The OpenTelemetry winston transport still speaks the older @opentelemetry/api-logs package;
  // hand it the same provider so its records reach the SDK.
  legacyLogs.setGlobalLoggerProvider(logs.getLoggerProvider());

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
