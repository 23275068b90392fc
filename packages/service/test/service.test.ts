import { Lifecycle, createLogger } from '@kit/telemetry';
import express from 'express';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ConfigError, baseConfigShape, envFlag, loadConfig, upstreamUrls } from '../src/config';
import { startServer } from '../src/server';

describe('loadConfig', () => {
  const schema = z.object({ ...baseConfigShape(9000), FEATURE: envFlag.default(false) });

  it('fills the shared defaults and parses flags', () => {
    expect(loadConfig(schema, { FEATURE: 'true' })).toEqual({
      PORT: 9000,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      DRAIN_DELAY_MS: 0,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      CHAOS_ENABLED: false,
      FEATURE: true,
    });
  });

  it('treats a blank value as unset, as compose passes ${KEY:-} for a blank .env entry', () => {
    const withSecret = schema.extend({ ADMIN_TOKEN: z.string().min(16).optional() });
    const config = loadConfig(withSecret, { PORT: '', ADMIN_TOKEN: '', FEATURE: '' });
    expect(config.PORT).toBe(9000);
    expect(config.FEATURE).toBe(false);
    expect(config.ADMIN_TOKEN).toBeUndefined();
  });

  it('lists every invalid key at once', () => {
    try {
      loadConfig(schema, { PORT: '70000', LOG_LEVEL: 'loud', FEATURE: 'maybe' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['FEATURE', 'LOG_LEVEL', 'PORT']);
    }
  });
});

describe('upstream URLs', () => {
  const schema = z.object({ CATALOG_URL: upstreamUrls('http://catalog:8080') });

  it('reads one base URL, or several separated by commas (the replicas of one upstream), with a default', () => {
    expect(loadConfig(schema, {}).CATALOG_URL).toEqual(['http://catalog:8080']);
    expect(loadConfig(schema, { CATALOG_URL: 'http://127.0.0.1:8081, http://127.0.0.1:8091' }).CATALOG_URL).toEqual(['http://127.0.0.1:8081', 'http://127.0.0.1:8091']);
  });

  it('refuses anything that is not an http(s) URL, naming it', () => {
    expect(() => loadConfig(schema, { CATALOG_URL: 'http://127.0.0.1:8081,ftp://files' })).toThrow(/CATALOG_URL: "ftp:\/\/files" is not an http\(s\) URL/);
    expect(() => loadConfig(schema, { CATALOG_URL: ' , ' })).toThrow(/CATALOG_URL: needs at least one URL/);
  });
});

describe('startServer', () => {
  it('listens, turns ready, and stops in order: readiness off, server closed, closers run', async () => {
    const lifecycle = new Lifecycle();
    const app = express();
    app.get('/readyz', async (_req, res) => {
      const state = await lifecycle.readiness();
      res.status(state.ready ? 200 : 503).end();
    });
    const closed: string[] = [];
    const running = await startServer({
      name: 'test',
      app,
      config: { PORT: 0, HOST: '127.0.0.1', DRAIN_DELAY_MS: 0, SHUTDOWN_TIMEOUT_MS: 10_000 },
      lifecycle,
      logger: createLogger({ destination: new PassThrough().resume() }),
      closers: [{ name: 'store', close: () => void closed.push('store') }],
    });
    const ready = await fetch(`http://127.0.0.1:${running.port}/readyz`);
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);

    await running.stop('test');
    const exitCode = exit.mock.calls[0]?.[0];
    exit.mockRestore();

    expect(ready.status).toBe(200);
    expect(lifecycle.draining).toBe(true);
    expect(running.server.listening).toBe(false);
    expect(closed).toEqual(['store']);
    expect(exitCode).toBe(0);
  });
});
