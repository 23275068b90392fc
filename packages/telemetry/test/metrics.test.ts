import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_UNMATCHED } from '../src/conventions';
import { instrumentHttpServers } from '../src/http-server';
import { createMetrics } from '../src/metrics';
import { opsRouter, Lifecycle } from '../src/express';
import { histogramLabelSets, sampleApp } from './helpers';

const metrics = createMetrics();
let uninstall: () => void;

beforeAll(() => {
  uninstall = instrumentHttpServers({ metrics });
});
afterAll(() => uninstall());

describe('HTTP server RED metrics', () => {
  it('labels a request by the Express route template, never the raw path', async () => {
    const app = sampleApp();

    await request(app).get('/catalog/products/123').expect(200);
    await request(app).get('/catalog/products/456').expect(200);

    const sets = await histogramLabelSets(metrics);
    expect(sets).toContainEqual({ method: 'GET', route: '/catalog/products/:id', status_code: '200' });
    expect(JSON.stringify(sets)).not.toContain('123');
  });

  it('labels what a middleware mounted at a fixed path answers (a proxy) by that path', async () => {
    const app = sampleApp((inner) => {
      inner.use('/proxy/catalog', (_req, res) => {
        res.status(200).json({ proxied: true });
      });
    });
    await request(app).get('/proxy/catalog/products/42?q=x').expect(200);
    await request(app).get('/proxy/catalog/search').expect(200);

    const sets = await histogramLabelSets(metrics);
    expect(sets).toContainEqual({ method: 'GET', route: '/proxy/catalog/*', status_code: '200' });
    expect(JSON.stringify(sets)).not.toContain('42');
  });

  it('adds no series when 10 000 random paths are requested', async () => {
    const app = sampleApp();
    await request(app).get('/warm-up-unknown').expect(404);
    const before = (await histogramLabelSets(metrics)).length;

    const agent = request(app);
    for (let batch = 0; batch < 100; batch += 1) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => agent.get(`/random/${batch}-${i}-${Math.random().toString(36).slice(2)}`)),
      );
    }

    const sets = await histogramLabelSets(metrics);
    expect(sets.length).toBe(before);
    expect(sets.filter((set) => set.route === ROUTE_UNMATCHED)).toEqual([
      { method: 'GET', route: ROUTE_UNMATCHED, status_code: '404' },
    ]);
  });

  it('collapses non-standard methods into _OTHER', async () => {
    const app = sampleApp();
    await request(app).get('/catalog/products/1');
    await new Promise<void>((resolve, reject) => {
      const server = app.listen(0, () => {
        const { port } = server.address() as { port: number };
        import('node:http').then(({ request: send }) => {
          const req = send({ port, method: 'PROPFIND', path: '/catalog/products/1' }, (res) => {
            res.resume();
            res.on('end', () => server.close(() => resolve()));
          });
          req.on('error', reject);
          req.end();
        }, reject);
      });
    });
    const sets = await histogramLabelSets(metrics);
    expect(sets.some((set) => set.method === '_OTHER')).toBe(true);
    expect(sets.some((set) => set.method === 'PROPFIND')).toBe(false);
  });

  it('counts a request as in flight until its response is sent', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const app = sampleApp((a) => {
      a.get('/slow', async (_req, res) => {
        await gate;
        res.json({ ok: true });
      });
    });
    const server = app.listen(0);
    const { port } = server.address() as { port: number };
    const inFlight = async () => Number(/^http_server_active_requests (\d+)$/m.exec(await metrics.render(false))?.[1]);

    const pending = fetch(`http://127.0.0.1:${port}/slow`);
    await expect.poll(inFlight).toBe(1);
    release();
    await (await pending).json();

    await expect.poll(inFlight).toBe(0);
    server.close();
  });
});

describe('the /metrics endpoint', () => {
  it('serves Prometheus text by default and OpenMetrics when the scraper asks for it', async () => {
    const app = sampleApp((a) => a.use(opsRouter({ lifecycle: new Lifecycle(), metrics })));
    metrics.exportFailures.inc({ signal: 'traces' }, 2);

    const text = await request(app).get('/metrics').expect(200);
    const open = await request(app)
      .get('/metrics')
      .set('Accept', 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5')
      .expect(200);
    const textAgain = await request(app).get('/metrics').expect(200);

    expect(text.headers['content-type']).toContain('text/plain; version=0.0.4');
    expect(open.headers['content-type']).toContain('application/openmetrics-text');
    expect(text.text).toContain('kit_telemetry_export_failures_total{signal="traces"} 2');
    expect(open.text).toContain('# TYPE kit_telemetry_export_failures counter');
    expect(open.text).toContain('kit_telemetry_export_failures_total{signal="traces"} 2');
    expect(open.text.endsWith('# EOF\n')).toBe(true);
    // rendering OpenMetrics must not rename counters for later text scrapes
    expect(textAgain.text).toContain('# TYPE kit_telemetry_export_failures_total counter');
    expect(text.text).toContain('nodejs_eventloop_utilization_ratio');
    expect(text.text).toContain('nodejs_heap_size_used_bytes');
    expect(text.text).toContain('nodejs_gc_duration_seconds');
    // unlimited here, so the machine's memory: a positive byte count either way
    expect(Number(/^kit_process_memory_limit_bytes (\d+)$/m.exec(text.text)?.[1])).toBeGreaterThan(2 ** 27);
    expect(text.text).toContain('http_server_request_duration_seconds_bucket{le="0.005",method="GET",route="/catalog/products/:id",status_code="200"}');
  });

  it('reports readiness false while starting and while draining', async () => {
    const lifecycle = new Lifecycle([{ name: 'db', check: () => true }]);
    const app = sampleApp((a) => a.use(opsRouter({ lifecycle, metrics })));

    await request(app).get('/readyz').expect(503);
    lifecycle.markStarted();
    const ready = await request(app).get('/readyz').expect(200);
    lifecycle.startDraining();
    const draining = await request(app).get('/readyz').expect(503);

    expect(ready.body).toEqual({ status: 'ready', ready: true, checks: { db: 'ok' } });
    expect(draining.body).toMatchObject({ status: 'not_ready', reason: 'draining' });
    await request(app).get('/livez').expect(200, { status: 'ok' });
  });

  it('reports readiness false when a dependency check fails', async () => {
    const lifecycle = new Lifecycle([
      { name: 'db', check: () => true },
      {
        name: 'broker',
        check: () => {
          throw new Error('connection refused');
        },
      },
    ]);
    lifecycle.markStarted();
    const app = sampleApp((a) => a.use(opsRouter({ lifecycle, metrics })));

    const res = await request(app).get('/readyz').expect(503);

    expect(res.body).toMatchObject({ reason: 'dependency', checks: { db: 'ok', broker: 'connection refused' } });
  });
});
