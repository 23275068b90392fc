import http from 'node:http';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { Lifecycle, opsRouter } from '../src/express';
import { createLogger } from '../src/logger';
import { createMetrics } from '../src/metrics';
import { createShutdown } from '../src/shutdown';
import { captureLines } from './helpers';

function listen(app: express.Express): Promise<{ server: http.Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

describe('graceful shutdown', () => {
  it('fails readiness, drains the in-flight request, closes clients in order, then exits 0', async () => {
    const lifecycle = new Lifecycle();
    lifecycle.markStarted();
    const steps: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const app = express();
    app.use(opsRouter({ lifecycle, metrics: createMetrics({ defaultMetrics: false }) }));
    app.get('/slow', async (_req, res) => {
      await gate;
      steps.push('slow request answered');
      res.json({ done: true });
    });
    const { server, url } = await listen(app);
    const exited = new Promise<number>((resolve) => {
      const shutdown = createShutdown({
        server,
        lifecycle,
        logger: createLogger({ destination: captureLines().stream }),
        drainDelayMs: 50,
        closers: [
          { name: 'database', close: () => void steps.push('database closed') },
          { name: 'broker', close: () => void steps.push('broker closed') },
        ],
        exit: (code) => resolve(code),
      });
      const inFlight = fetch(`${url}/slow`).then((res) => res.json());
      setTimeout(() => {
        void shutdown('SIGTERM');
        void fetch(`${url}/readyz`).then((res) => {
          steps.push(`readyz ${res.status}`);
          release();
        });
      }, 20);
      void inFlight.then((body) => steps.push(`client got ${JSON.stringify(body)}`));
    });

    const code = await exited;

    expect(code).toBe(0);
    expect(steps.indexOf('readyz 503')).toBeGreaterThanOrEqual(0);
    expect(steps.indexOf('slow request answered')).toBeLessThan(steps.indexOf('database closed'));
    expect(steps.indexOf('database closed')).toBeLessThan(steps.indexOf('broker closed'));
    expect(steps).toContain('client got {"done":true}');
    expect(server.listening).toBe(false);
  });

  it('exits 1 when a step hangs past the hard cap', async () => {
    const lifecycle = new Lifecycle();
    const { server } = await listen(express());
    const out = captureLines();

    const code = await new Promise<number>((resolve) => {
      const shutdown = createShutdown({
        server,
        lifecycle,
        logger: createLogger({ destination: out.stream }),
        timeoutMs: 100,
        closers: [{ name: 'stuck client', close: () => new Promise<void>(() => undefined) }],
        exit: resolve,
      });
      void shutdown('SIGTERM');
    });

    expect(code).toBe(1);
    expect(out.lines().map((l) => l.message)).toContain('shutdown timed out; exiting');
  });

  it('runs the sequence once however many signals arrive', async () => {
    const { server } = await listen(express());
    let exits = 0;
    const shutdown = createShutdown({
      server,
      lifecycle: new Lifecycle(),
      logger: createLogger({ destination: captureLines().stream }),
      exit: () => (exits += 1),
    });

    await Promise.all([shutdown('SIGTERM'), shutdown('SIGINT'), shutdown('SIGTERM')]);

    expect(exits).toBe(1);
  });
});

describe('draining before the port closes', () => {
  it('keeps answering during the drain delay, readiness 503, and ends each kept-alive connection after its answer', async () => {
    const lifecycle = new Lifecycle();
    lifecycle.markStarted();
    const app = express();
    app.use(opsRouter({ lifecycle, metrics: createMetrics({ defaultMetrics: false }) }));
    app.get('/thing', (_req, res) => res.json({ ok: true }));
    const { server, url } = await listen(app);
    const agent = new http.Agent({ keepAlive: true });
    const get = (path: string) =>
      new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const req = http
          .request(`${url}${path}`, { agent })
          .on('response', (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
          })
          .on('error', reject);
        req.end();
      });
    const before = await get('/thing');
    let exitCode: number | undefined;
    const shutdown = createShutdown({ server, lifecycle, logger: createLogger({ destination: captureLines().stream }), drainDelayMs: 3_000, exit: (code) => (exitCode = code) });
    const running = shutdown('SIGTERM');

    const during = await get('/thing');
    const readiness = await get('/readyz');
    const stillListening = server.listening;
    // a new connection during the delay is still accepted
    const fresh = await fetch(`${url}/thing`);
    agent.destroy();

    expect(before.connection).toBe('keep-alive');
    expect(during).toEqual({ status: 200, connection: 'close' });
    expect(readiness).toEqual({ status: 503, connection: 'close' });
    expect(stillListening).toBe(true);
    expect(fresh.status).toBe(200);
    expect(exitCode).toBeUndefined();
    await running;
    expect(exitCode).toBe(0);
    expect(server.listening).toBe(false);
  });
});
