import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';
import { getMetrics } from '../src/metrics';
import { startTelemetry } from '../src/sdk';
import type { TelemetryHandle } from '../src/state';
import { captureLines } from './helpers';

// A collector that accepts connections and never answers: the worst case for an exporter.
const sockets = new Set<Socket>();
const blackHole = http.createServer(() => undefined);
blackHole.on('connection', (socket) => sockets.add(socket));
let telemetry: TelemetryHandle;
let app: http.Server;
let url: string;
const EXPORT_TIMEOUT_MS = 1_500;

beforeAll(async () => {
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  const collector = `http://127.0.0.1:${(blackHole.address() as AddressInfo).port}`;
  // the OTLP exporters read their endpoint and timeout from the process environment
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector;
  process.env.OTEL_EXPORTER_OTLP_TIMEOUT = String(EXPORT_TIMEOUT_MS);
  process.env.OTEL_BSP_SCHEDULE_DELAY = '50';
  process.env.OTEL_BLRP_SCHEDULE_DELAY = '50';
  process.env.OTEL_SERVICE_NAME = 'collector-down-test';
  const handle = startTelemetry(process.env);
  if (handle === undefined) throw new Error('telemetry did not start');
  telemetry = handle;
  const logger = createLogger({ destination: captureLines().stream });
  const api = express();
  api.get('/products/:id', (req, res) => {
    logger.info('product viewed', { id: req.params.id });
    res.json({ id: req.params.id });
  });
  await new Promise<void>((resolve) => {
    app = api.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});

afterAll(async () => {
  app.close();
  await telemetry.shutdown();
  for (const socket of sockets) socket.destroy();
  blackHole.close();
});

describe('with the collector unreachable', () => {
  it('answers every request without waiting on exports, and counts the failed exports', async () => {
    const latencies: number[] = [];
    const startedAt = performance.now();
    for (let i = 0; i < 400; i += 1) {
      const t0 = performance.now();
      const res = await fetch(`${url}/products/${i}`);
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      expect(res.status).toBe(200);
    }
    const elapsed = performance.now() - startedAt;
    latencies.sort((a, b) => a - b);

    // exports were attempted while requests ran, and none finished: the collector never answers
    expect(sockets.size).toBeGreaterThan(0);
    // no request waited for an export attempt to time out
    expect(latencies.at(-1)).toBeLessThan(EXPORT_TIMEOUT_MS);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(50);
    expect(elapsed).toBeLessThan(400 * 50);
    // the timed-out exports become a metric instead of an exception
    await expect
      .poll(async () => (await getMetrics().render(false)).match(/kit_telemetry_export_failures_total\{signal="traces"\} (\d+)/)?.[1], {
        timeout: EXPORT_TIMEOUT_MS * 6,
        interval: 200,
      })
      .toMatch(/^[1-9]\d*$/);
    // the failed exports (POSTs) are the SDK's own traffic, not outbound calls of the service; the
    // test's own GETs to the app are
    const text = await getMetrics().render(false);
    expect(text).toMatch(/^http_client_request_duration_seconds_count\{method="GET"/m);
    expect(text).not.toMatch(/^http_client_request_duration_seconds_count\{method="POST"/m);
  });
});
