import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { SHUTDOWN_FLUSH_CAP_MS, startTelemetry } from '../src/sdk';

/** A loopback port nothing listens on: connections to it are refused, as with a Collector that is not there. */
async function refusedEndpoint(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${String(port)}`;
}

describe('telemetry shutdown with the Collector missing', () => {
  it('does not wait for the last export once exports are failing', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = await refusedEndpoint();
    process.env.OTEL_BSP_SCHEDULE_DELAY = '20';
    process.env.OTEL_BLRP_SCHEDULE_DELAY = '20';
    process.env.OTEL_SERVICE_NAME = 'shutdown-flush-test';
    const telemetry = startTelemetry(process.env);
    if (telemetry === undefined) throw new Error('telemetry did not start');
    const tracer = trace.getTracer('shutdown-flush-test');

    // spans go out, the refused exports keep retrying: the exporter counts as failing
    await expect
      .poll(
        () => {
          tracer.startSpan('work').end();
          return telemetry.exportsFailing();
        },
        { timeout: 15_000, interval: 100, message: 'exports to a refused endpoint never counted as failing' },
      )
      .toBe(true);
    for (let i = 0; i < 50; i += 1) tracer.startSpan('unsent').end();
    const started = performance.now();
    await telemetry.shutdown();
    const waitedMs = performance.now() - started;

    process.stdout.write(`telemetry shutdown with a failing exporter took ${waitedMs.toFixed(1)} ms (cap when healthy: ${String(SHUTDOWN_FLUSH_CAP_MS)} ms)\n`);
    // without the failing check it would wait the whole cap (the exporter retries for far longer)
    expect(waitedMs).toBeLessThan(SHUTDOWN_FLUSH_CAP_MS);
    expect(SHUTDOWN_FLUSH_CAP_MS).toBeLessThanOrEqual(1_000);
  });
});
