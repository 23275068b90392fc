/**
 * The gateway serving the browser storefront: the page, its hashed assets and its runtime settings
 * at `/`, with the caching and Content-Security-Policy a browser needs, without shadowing the API.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { DEFAULT_DEPENDENCY_SETTINGS, createHttpDependency } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { builtStorefrontDir } from '../src/storefront';

const logger = createLogger({ destination: new PassThrough().resume() });
let dir: string;
let gateway: Express;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kit-storefront-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Kit Store</title><script type="module" src="/assets/index-abc123.js"></script>');
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("shop")');
  const lifecycle = new Lifecycle();
  lifecycle.markStarted();
  const nowhere = (name: string) => createHttpDependency({ name, baseUrl: 'http://127.0.0.1:9', logger, settings: { ...DEFAULT_DEPENDENCY_SETTINGS, retries: 0 } });
  gateway = createApp({
    upstreams: { catalog: nowhere('catalog'), orders: nowhere('orders'), inventory: nowhere('inventory'), notifications: nowhere('notifications'), payments: nowhere('payments') },
    lifecycle,
    logger,
    rateLimitPerMinute: 10_000,
    corsOrigins: ['*'],
    storefront: { dir, settings: { faroUrl: 'http://localhost:8027/collect', appName: 'storefront', environment: 'test', grafanaUrl: 'http://localhost:3000' } },
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the storefront at the gateway', () => {
  it('serves the page, never cached, with a Content-Security-Policy that lets it reach only itself and the Faro receiver', async () => {
    const page = await request(gateway).get('/').expect(200).expect('content-type', /html/);
    expect(page.text).toContain('Kit Store');
    expect(page.headers['cache-control']).toBe('no-cache');
    const csp = page.headers['content-security-policy'] ?? '';
    expect(csp).toContain("connect-src 'self' http://localhost:8027");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('caches hashed assets for a year', async () => {
    const asset = await request(gateway).get('/assets/index-abc123.js').expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('tells the page its runtime settings from the gateway’s configuration, uncached', async () => {
    const settings = await request(gateway).get('/storefront-config.json').expect(200).expect('content-type', /json/);
    expect(settings.body).toEqual({ faroUrl: 'http://localhost:8027/collect', appName: 'storefront', environment: 'test', grafanaUrl: 'http://localhost:3000' });
    expect(settings.headers['cache-control']).toBe('no-store');
  });

  it('leaves the API and unknown paths to the API’s own JSON answers', async () => {
    const api = await request(gateway).get('/api/nothing-here').expect(404);
    expect(api.body.error.code).toBe('not_found');
    const missing = await request(gateway).get('/assets/missing.js').expect(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('finds the workspace’s Vite build when it was built', () => {
    // `npm run build` builds the storefront before the tests run
    expect(builtStorefrontDir()).toMatch(/sample-services[/\\]storefront[/\\]dist$/);
  });
});
