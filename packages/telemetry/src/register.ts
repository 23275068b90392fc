/**
 * The preload: `node --require @kit/telemetry/register dist/main.js`.
 *
 * Starts tracing, log export and HTTP metrics before the application loads, configured only by the
 * standard OTEL_* variables (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_ENDPOINT,
 * OTEL_TRACES_SAMPLER, ...). It installs no signal handler: the service's shutdown sequence
 * (`installShutdown`) flushes telemetry and exits.
 */
import { startTelemetry } from './sdk';

startTelemetry();
