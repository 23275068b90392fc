/**
 * `npm run chaos` against a real gateway (chaos enabled) in front of a real payments app: help, types,
 * inject with options and a TTL, list, cancel, and clear errors for a wrong token, a bad option and
 * an unreachable gateway.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createApp as gatewayApp } from '@kit/gateway/app';
import { createApp as paymentsApp } from '@kit/payments/app';
import { createProvider } from '@kit/payments/provider';
import { DEFAULT_DEPENDENCY_SETTINGS, createChaos, createHttpDependency, type Chaos } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFault, runChaosCli } from '../src/chaos-cli';

const TOKEN = 'cli-chaos-token-0123456789';
const logger = createLogger({ destination: new PassThrough().resume() });
const servers: Server[] = [];
const faults: Chaos[] = [];
let gatewayUrl = '';
let payments: Chaos;

async function listen(app: Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

const ready = () => {
  const lifecycle = new Lifecycle();
  lifecycle.markStarted();
  return lifecycle;
};

beforeAll(async () => {
  payments = createChaos({ service: 'payments', logger });
  const own = createChaos({ service: 'gateway', logger });
  faults.push(payments, own);
  const provider = createProvider({ settings: () => ({ medianMs: 0, sigma: 0, declineRate: 0 }), random: Math.random, sleep: () => Promise.resolve(), now: () => new Date() });
  const paymentsUrl = await listen(paymentsApp({ provider, logger, lifecycle: ready(), chaos: { faults: payments, token: TOKEN } }));
  const dependency = (name: string, baseUrl: string) => createHttpDependency({ name, baseUrl, logger, settings: { ...DEFAULT_DEPENDENCY_SETTINGS, retries: 0 } });
  const nowhere = 'http://127.0.0.1:9';
  gatewayUrl = await listen(
    gatewayApp({
      upstreams: { catalog: dependency('catalog', nowhere), orders: dependency('orders', nowhere), inventory: dependency('inventory', nowhere), notifications: dependency('notifications', nowhere), payments: dependency('payments', paymentsUrl) },
      lifecycle: ready(),
      logger,
      rateLimitPerMinute: 10_000,
      corsOrigins: ['*'],
      chaos: { faults: own, token: TOKEN },
      chaosTargets: { catalog: nowhere, orders: nowhere, inventory: nowhere, notifications: nowhere, payments: paymentsUrl },
    }),
  );
});

afterAll(() => {
  for (const chaos of faults) chaos.close();
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

async function cli(args: string[], env: Record<string, string> = {}, cwd = tmpdir()) {
  let out = '';
  let err = '';
  const code = await runChaosCli(args, { env: { KIT_GATEWAY_URL: gatewayUrl, CHAOS_TOKEN: TOKEN, ...env }, cwd, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('npm run chaos', () => {
  it('explains itself', async () => {
    const help = await cli(['help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('inject <service> <type> [options]');
    expect((await cli([])).code).toBe(2);
    const types = await cli(['types']);
    expect(types.out).toMatch(/latency\s+--ms N/);
    expect((await cli(['explode'])).err).toContain('unknown verb "explode"');
  });

  it('turns options into the fault: kebab-case to camelCase, numbers, --ttl durations', () => {
    expect(parseFault('latency', ['--ms', '800', '--jitter-ms', '200', '--route', '/charges', '--ttl', '2m'])).toEqual({
      type: 'latency',
      ms: 800,
      jitterMs: 200,
      route: '/charges',
      ttlSeconds: 120,
    });
    expect(() => parseFault('latency', ['--ms'])).toThrow(/--option value/);
    expect(() => parseFault('latency', ['--ttl', 'soon'])).toThrow(/--ttl/);
  });

  it('injects, lists and cancels a fault in a service through the gateway', async () => {
    const injected = await cli(['inject', 'payments', 'latency', '--ms', '800', '--ttl', '90s']);
    expect(injected.err).toBe('');
    expect(injected.code).toBe(0);
    expect(injected.out).toMatch(/^injected latency into payments: [0-9a-f-]{36}/);
    expect(payments.list()).toEqual([expect.objectContaining({ spec: expect.objectContaining({ type: 'latency', ms: 800, ttlSeconds: 90 }) })]);

    const listed = await cli(['list']);
    expect(listed.out).toMatch(/payments\s+[0-9a-f-]{36}\s+latency\s+\d+s\s+ms=800 jitterMs=0 probability=1/);
    expect(listed.out).toMatch(/catalog\s+\(unavailable: /);

    const id = payments.list()[0]?.id ?? '';
    const cancelled = await cli(['cancel', 'payments', id]);
    expect(cancelled.out).toBe('cancelled 1 fault(s) in payments\n');
    expect(payments.list()).toEqual([]);
    expect((await cli(['cancel', 'gateway', 'all'])).out).toBe('cancelled 0 fault(s) in gateway\n');
  });

  it('says what is wrong: a bad option (named by the service), a refused token, no token, no gateway', async () => {
    const bad = await cli(['inject', 'payments', 'latency', '--ms', '-5']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/400 invalid fault: ms:/);

    const refused = await cli(['list'], { CHAOS_TOKEN: 'wrong-token-0123456789' });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("the token was refused");

    const none = await cli(['list'], { CHAOS_TOKEN: '' });
    expect(none.code).toBe(2);
    expect(none.err).toContain('no token');

    const down = await cli(['list'], { KIT_GATEWAY_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(1);
    expect(down.err).toContain('cannot reach the gateway at http://127.0.0.1:9');
  });

  it('reads the token from ./.env when the environment has none', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kit-chaos-'));
    writeFileSync(path.join(dir, '.env'), `# settings\nCHAOS_ENABLED=true\nCHAOS_TOKEN=${TOKEN}\n`);
    const listed = await cli(['list'], { CHAOS_TOKEN: '' }, dir);
    expect(listed.code).toBe(0);
  });
});
