import { describe, expect, it } from 'vitest';
import { BATCH_DEFAULTS, EXPORT_TIMEOUT_MS, batchOptions, exporterEnabled, exporterOptions, otlpProtocol } from '../src/sdk';

describe('telemetry configuration from standard OTEL_* variables', () => {
  it('exports traces and logs over OTLP unless the exporter variable says none', () => {
    expect(exporterEnabled({}, 'OTEL_TRACES_EXPORTER')).toBe(true);
    expect(exporterEnabled({ OTEL_LOGS_EXPORTER: 'none' }, 'OTEL_LOGS_EXPORTER')).toBe(false);
    expect(exporterEnabled({ OTEL_TRACES_EXPORTER: 'otlp, none' }, 'OTEL_TRACES_EXPORTER')).toBe(false);
  });

  it('uses http/protobuf unless a signal or the shared variable picks http/json or grpc', () => {
    expect(otlpProtocol({}, 'TRACES')).toBe('http/protobuf');
    expect(otlpProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, 'LOGS')).toBe('http/json');
    expect(otlpProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }, 'TRACES')).toBe('grpc');
    expect(otlpProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon' }, 'TRACES')).toBe('http/protobuf');
  });

  it('batches with the kit defaults, each overridable, and ignores nonsense values', () => {
    expect(batchOptions({}, 'OTEL_BSP')).toEqual({ ...BATCH_DEFAULTS, exportTimeoutMillis: 30_000 });
    expect(batchOptions({ OTEL_BLRP_SCHEDULE_DELAY: '250', OTEL_BLRP_MAX_QUEUE_SIZE: '-3' }, 'OTEL_BLRP')).toMatchObject({
      scheduledDelayMillis: 250,
      maxQueueSize: BATCH_DEFAULTS.maxQueueSize,
    });
  });

  it('gives each OTLP export a few seconds unless a standard timeout variable is set', () => {
    expect(EXPORT_TIMEOUT_MS).toBeLessThanOrEqual(5_000);
    expect(exporterOptions({}, 'TRACES')).toEqual({ timeoutMillis: EXPORT_TIMEOUT_MS });
    expect(exporterOptions({ OTEL_EXPORTER_OTLP_TIMEOUT: ' ' }, 'LOGS')).toEqual({ timeoutMillis: EXPORT_TIMEOUT_MS });
    // the exporters read these themselves; an option passed in would override them
    expect(exporterOptions({ OTEL_EXPORTER_OTLP_TIMEOUT: '20000' }, 'TRACES')).toEqual({});
    expect(exporterOptions({ OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '750' }, 'LOGS')).toEqual({});
    expect(exporterOptions({ OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '750' }, 'TRACES')).toEqual({ timeoutMillis: EXPORT_TIMEOUT_MS });
  });
});
