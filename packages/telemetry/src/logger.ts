/**
 * The kit's logger: winston writing one JSON object per line to stdout, every record carrying the
 * active trace's `trace_id`/`span_id` and the service name, with secrets redacted. The same records go
 * out as OTLP log records (OpenTelemetry's winston transport), so Loki stores `trace_id` as structured
 * metadata and Grafana links each line to its trace.
 */
import type { Writable } from 'node:stream';
import { TraceFlags, context, trace } from '@opentelemetry/api';
import { OpenTelemetryTransportV3 } from '@opentelemetry/winston-transport';
import winston from 'winston';
import { LOG_SERVICE_NAME, LOG_SPAN_ID, LOG_TRACE_FLAGS, LOG_TRACE_ID } from './conventions';
import { getMetrics } from './metrics';
import { redactRecordInPlace } from './redact';
import { getTelemetry } from './state';

export type Logger = winston.Logger;
export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** Minimum level written; defaults to `info`. Change it at runtime with `logger.level = …`. */
  readonly level?: LogLevel;
  /** Overrides the service name (normally `OTEL_SERVICE_NAME`, as read by the preload). */
  readonly service?: string;
  /** Where JSON lines go; stdout by default. Tests pass a stream they read. */
  readonly destination?: Writable;
  /** Export records over OTLP too (default: when the preload started telemetry with a log exporter). */
  readonly exportOtlp?: boolean;
}

/** The winston transport reads the record's context from this symbol (see its source). */
const OTEL_CONTEXT = Symbol.for('opentelemetry.js.contrib.winston.context');

/** Redacts the record, counts it, then adds the active span's ids (which need no redaction). */
const correlate = winston.format((info) => {
  redactRecordInPlace(info);
  getMetrics().countLogRecord(info.level);
  const ctx = context.active();
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext !== undefined) {
    info[LOG_TRACE_ID] = spanContext.traceId;
    info[LOG_SPAN_ID] = spanContext.spanId;
    info[LOG_TRACE_FLAGS] = (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0 ? '01' : '00';
    (info as unknown as Record<symbol, unknown>)[OTEL_CONTEXT] = ctx;
  }
  return info;
});

export function createLogger(options: LoggerOptions = {}): Logger {
  const service = options.service ?? getTelemetry()?.serviceName ?? 'unknown_service:node';
  const stdoutFormat = winston.format.combine(
    winston.format((info) => {
      info[LOG_SERVICE_NAME] = service;
      return info;
    })(),
    winston.format.timestamp(),
    winston.format.json(),
  );
  const transports: winston.transport[] = [
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- winston's own Stream transport
    new winston.transports.Stream({ stream: options.destination ?? process.stdout, format: stdoutFormat }),
  ];
  if (options.exportOtlp ?? getTelemetry()?.exportsLogs === true) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- a TransportStream subclass
    transports.push(new OpenTelemetryTransportV3());
  }
  return winston.createLogger({
    level: options.level ?? 'info',
    levels: winston.config.npm.levels,
    format: correlate(),
    transports,
    exitOnError: false,
  });
}
