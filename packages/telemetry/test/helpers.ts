/** Shared test fixtures: a small Express app shaped like a kit service, and metric readers. */
import { PassThrough } from 'node:stream';
import express, { type Express } from 'express';
import type { KitMetrics } from '../src/metrics';

/** An app with a parameterised route under a router, a JSON POST, a failing route and the 404. */
export function sampleApp(build?: (app: Express) => void): Express {
  const app = express();
  const catalog = express.Router();
  catalog.get('/products/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  app.use('/catalog', catalog);
  build?.(app);
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no route' } });
  });
  return app;
}

/** Distinct label sets of a histogram's `_count` samples. */
export async function histogramLabelSets(metrics: KitMetrics): Promise<Record<string, unknown>[]> {
  const values = await metrics.httpServerDuration.get();
  return values.values
    .filter((value) => value.metricName === 'http_server_request_duration_seconds_count')
    .map((value) => value.labels);
}

/** A stream that collects what a logger writes, parsed as JSON lines. */
export function captureLines(): { stream: PassThrough; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return {
    stream,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
