/** @kit/telemetry: what a service's code may import. The SDK itself is started by the preload. */
export * from './conventions';
export { AppError, ConflictError, NotFoundError, UpstreamError, ValidationError, type UpstreamReason } from './errors';
export { Lifecycle, errorHandler, notFound, opsRouter, requestLogger, toAppError } from './express';
export type { OpsRouterOptions, ReadinessCheck } from './express';
export { routeTemplate } from './http-server';
export { LOG_LEVELS, createLogger } from './logger';
export type { LogLevel, Logger, LoggerOptions } from './logger';
export { createMetrics, getMetrics, serviceCounter, serviceGauge, serviceHistogram } from './metrics';
export type { KitMetrics } from './metrics';
export { REDACTED, redactText, redactValue } from './redact';
export { createShutdown, installShutdown } from './shutdown';
export type { Closer, ShutdownOptions } from './shutdown';
export { getTelemetry } from './state';
export type { TelemetryHandle } from './state';
