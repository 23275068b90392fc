/**
 * The storefront in a real browser: Debian's Chromium, headless, driven by playwright-core, against
 * the native stack (real PostgreSQL, Redis, RabbitMQ) whose services export through the Collector
 * built from otel-collector/builder.yaml. The browser sends Faro payloads to the Collector's Faro
 * receiver (cross-origin, so CORS is exercised for real); OTLP receivers stand in for Tempo and Loki
 * and record what the Collector forwards. The same tests run against the six services and against
 * the monolith. The test run also takes the README's screenshots.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attribute, startOtlpReceiver, startStack, type OtlpReceiver, type RunningStack, type StackMode } from '@kit/runner';
import { COLLECTOR_PORTS, repoPath, startCollector, type EngineProcess } from '@kit/stack';

// below 32768, outside the kernel's ephemeral range
const CHAOS_TOKEN = 'browser-chaos-token-0123456789';
const FARO_URL = `http://127.0.0.1:${String(COLLECTOR_PORTS.faro)}/collect`;
const SCREENSHOTS = repoPath('docs', 'screenshots');

interface Mode {
  readonly mode: StackMode;
  readonly basePort: number;
  /** Who serves the shop's public API, and who else the checkout's trace must reach. */
  readonly front: string;
  readonly checkoutServices: readonly string[];
  readonly pg: string;
  readonly redis: string;
  /** The README's screenshots come from one mode. */
  readonly screenshots: boolean;
}
// the same tests against both ways to run the shop: a regression in either fails
const MODES: readonly Mode[] = [
  {
    mode: 'services',
    basePort: 26_080,
    front: 'gateway',
    checkoutServices: ['storefront', 'gateway', 'orders', 'catalog', 'inventory', 'payments', 'notifications'],
    pg: 'orders',
    redis: 'inventory',
    screenshots: true,
  },
  { mode: 'monolith', basePort: 26_180, front: 'monolith', checkoutServices: ['storefront', 'monolith'], pg: 'monolith', redis: 'monolith', screenshots: false },
];

let tempo: OtlpReceiver;
let loki: OtlpReceiver;
let collector: EngineProcess;
let browser: Browser;

/** Debian's Chromium; a missing browser fails the suite (scripts/engines.sh installs it). */
function chromiumPath(): string {
  const found = spawnSync('bash', ['-c', 'command -v chromium'], { encoding: 'utf8' }).stdout.trim();
  if (found === '') throw new Error('chromium is not installed: scripts/engines.sh installs it (apt-get install chromium)');
  return found;
}

beforeAll(async () => {
  tempo = await startOtlpReceiver();
  loki = await startOtlpReceiver();
  collector = await startCollector({ tracesEndpoint: tempo.endpoint, logsEndpoint: `${loki.endpoint}/otlp` });
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // a closed network: no sandbox in containers, and none of Chromium's own background traffic
    // (playwright gives every launch a fresh, throw-away profile)
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser.close();
  await collector.stop();
  await Promise.all([tempo.close(), loki.close()]);
});

describe.each(MODES)('the storefront on the $mode, in Chromium', ({ mode, basePort, front, checkoutServices, pg, redis, screenshots }) => {
  let stack: RunningStack;
  let context: BrowserContext;
  /** This mode's Faro sessions (each browser context starts its own), so checks never read the other mode's data. */
  const sessions = new Set<string>();

  beforeAll(async () => {
    execFileSync('redis-cli', ['-h', '127.0.0.1', '-n', '7', 'flushdb']);
    stack = await startStack({
      mode,
      basePort,
      otlpEndpoint: `http://127.0.0.1:${String(COLLECTOR_PORTS.otlpHttp)}`,
      redisUrl: 'redis://127.0.0.1:6379/7',
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672/kit-browser',
      databases: { catalog: 'kit_browser_catalog', orders: 'kit_browser_orders', notifications: 'kit_browser_notifications' },
      commonEnv: { CHAOS_ENABLED: 'true', CHAOS_TOKEN },
      env: {
        gateway: { FARO_URL, GRAFANA_URL: 'http://localhost:3000' },
        loadgen: { LOADGEN_RATE: '0' },
        payments: { PAYMENTS_DECLINE_RATE: '0' },
        notifications: { NOTIFICATIONS_FAILURE_RATE: '0' },
      },
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 });
    context.on('request', (request) => {
      const session = request.url().startsWith(FARO_URL) ? request.headers()['x-faro-session-id'] : undefined;
      if (session !== undefined) sessions.add(session);
    });
  }, 120_000);

  afterAll(async () => {
    await context.close();
    await stack.stop();
  });

  /** This mode's browser log records, with `kind` as the record attribute the Frontend dashboard filters on. */
  const records = () =>
    loki.logs
      .filter((l) => l.service === 'storefront')
      .map((l) => ({ kind: attribute(l.attributes, 'kind'), body: l.body?.stringValue ?? '' }))
      .filter((r) => [...sessions].some((session) => r.body.includes(`session_id=${session}`)));
  const has = (kind: string, pattern: RegExp) => records().some((r) => r.kind === kind && pattern.test(r.body));
  const snap = async (page: Page, name: string) => {
    if (screenshots) await page.screenshot({ path: path.join(SCREENSHOTS, name) });
  };
  const shop = (hash = '') => `${stack.urls.gateway}/${hash}`;

  /** Navigates and waits until the view finished rendering (the router drops aria-busy). */
  async function open(page: Page, hash: string): Promise<number> {
    const started = Date.now();
    await page.goto(shop(hash));
    await page.locator('#view:not([aria-busy])').waitFor();
    return Date.now() - started;
  }

  /** The browser's JS errors, kept so a test can say which one broke the page. */
  function watchErrors(page: Page): string[] {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return errors;
  }

  it('browses, adds to cart and checks out, and the browser starts the one trace that reaches PostgreSQL', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/orders')) sent.push(request.headers().traceparent ?? '');
    });

    await open(page, '');
    await expect.poll(() => page.locator('.product-card').count()).toBe(24);
    await snap(page, 'storefront.png');

    await page.locator('.product-card .card-link').nth(1).click();
    await page.locator('[data-view="product"]:not([aria-busy]) .detail').waitFor();
    const name = await page.locator('.detail h1').textContent();
    await page.locator('.buy select').selectOption('2');
    await page.locator('.buy button').click();
    await expect.poll(() => page.locator('#cart-count').textContent()).toBe('2');

    await page.locator('a.cart-link').click();
    await page.locator('.cart-line').waitFor();
    await expect.poll(() => page.locator('.cart-line a').textContent()).toBe(name);
    await page.locator('input[name="email"]').fill('browser@example.com');
    await page.locator('select[name="card"]').selectOption('tok_visa');
    await page.locator('button[type="submit"]').click();

    const order = page.locator('[data-order-id]');
    await order.waitFor({ timeout: 15_000 });
    const orderId = await order.getAttribute('data-order-id');
    expect(orderId).toMatch(/^o-/);
    await expect.poll(() => page.locator('[data-testid="email-state"]').textContent(), { timeout: 20_000 }).toContain('Confirmation e-mail sent to browser@example.com');
    await expect.poll(() => page.locator('#cart-count').textContent()).toBe('0');
    await snap(page, 'order.png');

    // the trace the browser started on the checkout click
    expect(sent).toHaveLength(1);
    const trace = sent[0]?.split('-')[1] ?? '';
    expect(trace).toMatch(/^[0-9a-f]{32}$/);
    // the consumer's span (notifications, or the monolith's module) closes the trace
    await expect.poll(() => tempo.spans.some((s) => s.traceId === trace && s.kind === 5), { timeout: 30_000 }).toBe(true);
    // Faro batches; its fetch span for the checkout arrives through the Collector's Faro receiver
    await expect.poll(() => tempo.spans.some((s) => s.traceId === trace && s.service === 'storefront'), { timeout: 30_000 }).toBe(true);
    const spans = tempo.spans.filter((s) => s.traceId === trace);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(checkoutServices));
    const browserSpan = spans.find((s) => s.service === 'storefront' && s.kind === 3);
    expect(browserSpan?.name).toMatch(/POST/);
    // the gateway's server span is the child of the browser's fetch span: one tree, not two traces
    expect(spans.find((s) => s.service === front && s.kind === 2 && s.name === 'POST /api/orders')?.parentSpanId).toBe(browserSpan?.spanId);
    expect(spans.some((s) => s.service === pg && s.scope === '@opentelemetry/instrumentation-pg')).toBe(true);
    expect(spans.some((s) => s.service === redis && s.scope === '@opentelemetry/instrumentation-ioredis')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('sends page loads, web vitals, user actions and session data through the Collector to the log backend', async () => {
    // what the Frontend dashboard's LogQL relies on: `kind` as a record attribute (Loki structured
    // metadata, for `| kind="event"`), and logfmt bodies with event_name, type and value_<vital>
    const page = await context.newPage();
    await open(page, '#/?category=garden');
    await page.locator('.product-card button').first().click();
    await expect.poll(() => has('event', /event_name=faro\.user\.action\b.*userActionName=add-to-cart/), { timeout: 30_000 }).toBe(true);
    // leaving the page flushes what Faro still holds (web vitals finalise on hide)
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => has('event', /event_name=faro\.performance\.navigation\b/), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => has('measurement', /type=web-vitals\b.* value_(lcp|fcp|ttfb)=\d/), { timeout: 30_000 }).toBe(true);
    expect(records().every((r) => /session_id=\w+/.test(r.body))).toBe(true);
    // the Collector masks card numbers, not the browser's epoch-millisecond timestamps
    expect(records().some((r) => /event_data_userActionEndTime=\d{13}\b/.test(r.body))).toBe(true);

    // the Collector counted the browser's spans under its faro receiver
    const metrics = await (await fetch(`http://127.0.0.1:${String(COLLECTOR_PORTS.internalMetrics)}/metrics`)).text();
    const accepted = /otelcol_receiver_accepted_spans[^\n]*receiver="faro"[^\n]* (\d+)/.exec(metrics);
    expect(Number(accepted?.[1] ?? 0)).toBeGreaterThan(0);
  });

  it('shows a JavaScript error on a refurbished product and reports it to Faro', async () => {
    const catalog = (await (await fetch(`${stack.urls.gateway}/api/catalog/products?limit=100`)).json()) as { items: { id: string; tags: string[] }[] };
    const refurbished = catalog.items.find((p) => p.tags.includes('refurbished'));
    expect(refurbished).toBeDefined();
    const page = await context.newPage();
    await open(page, `#/products/${refurbished?.id ?? ''}`);
    await expect.poll(() => page.locator('.error-panel').textContent()).toContain('grade');
    // the Frontend dashboard's error panels group by the exception's type
    await expect.poll(() => has('exception', /type=TypeError\b.*grade/), { timeout: 30_000 }).toBe(true);
    await page.close();
  });

  it('injects a latency fault from the chaos console, lists it, slows the shop, then cancels it', async () => {
    const shopPage = await context.newPage();
    const fast = await open(shopPage, '#/?category=books');

    const console = await context.newPage();
    await open(console, '#/chaos');
    await console.locator('input[name="token"]').fill(CHAOS_TOKEN);
    await console.locator('form.token button').click();
    await console.locator('.service-card[data-service="catalog"]').waitFor();
    await expect.poll(() => console.locator('.service-card .pill.ready').count()).toBe(6);
    await expect.poll(() => console.locator('.service-card[data-service="orders"] .circuits li').count()).toBeGreaterThan(0);

    await console.locator('select[name="service"]').selectOption('catalog');
    await console.locator('select[name="type"]').selectOption('latency');
    await console.locator('input[name="ms"]').fill('1500');
    await console.locator('input[name="route"]').fill('/products');
    await console.locator('input[name="ttlSeconds"]').fill('120');
    await console.locator('form.inject button[type="submit"]').click();
    const listed = console.locator('.service-card[data-service="catalog"] .fault[data-fault-type="latency"]');
    await listed.waitFor();
    expect(await listed.textContent()).toContain('ms=1500');
    await snap(console, 'chaos-console.png');

    // the grid waits for the catalog's product list, which now takes 1.5 s longer
    const slow = await open(shopPage, '#/?category=toys');
    expect(slow).toBeGreaterThanOrEqual(1_500);
    expect(slow - fast).toBeGreaterThanOrEqual(1_000);

    await listed.locator('button').click();
    await expect.poll(() => listed.count()).toBe(0);
    const status = (await (await fetch(`${stack.urls.gateway}/api/chaos`, { headers: { authorization: `Bearer ${CHAOS_TOKEN}` } })).json()) as {
      services: Record<string, { faults: unknown[] }>;
    };
    expect(status.services.catalog?.faults).toEqual([]);
    const recovered = await open(shopPage, '#/?category=kitchen');
    expect(slow - recovered).toBeGreaterThanOrEqual(1_000);
    await Promise.all([console.close(), shopPage.close()]);
  });
});
