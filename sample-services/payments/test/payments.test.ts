import { PassThrough } from 'node:stream';
import { Lifecycle, createLogger } from '@kit/telemetry';
import fc from 'fast-check';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createRuntimeConfig } from '@kit/service';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { initialRuntime, providerSettings, runtimeSchema } from '../src/runtime';
import { TEST_CARDS, createProvider, latencyMs, type ProviderSettings } from '../src/provider';

/** A small seeded generator, so latencies and declines repeat from run to run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function testApp(settings: Partial<ProviderSettings> = {}) {
  const slept: number[] = [];
  const provider = createProvider({
    settings: () => ({ medianMs: 40, sigma: 0.6, declineRate: 0, ...settings }),
    random: seeded(7),
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
    now: () => new Date('2026-11-25T10:00:00Z'),
  });
  const lifecycle = new Lifecycle();
  lifecycle.markStarted();
  const app = createApp({ provider, logger: createLogger({ destination: new PassThrough().resume() }), lifecycle });
  return { app, slept };
}

const charge = (orderId = 'o-1', token: string = TEST_CARDS.alwaysSucceeds) => ({
  orderId,
  amountMinor: 2599,
  currency: 'EUR',
  card: { token },
});

describe('POST /charges', () => {
  it('charges once per Idempotency-Key: a replay returns the same charge', async () => {
    const { app, slept } = testApp();

    const first = await request(app).post('/charges').set('Idempotency-Key', 'k-1').send(charge()).expect(201);
    const replay = await request(app).post('/charges').set('Idempotency-Key', 'k-1').send(charge()).expect(200);

    expect(first.body).toMatchObject({ id: 'ch_00000001', status: 'succeeded', amountMinor: 2599, currency: 'EUR' });
    expect(replay.body).toEqual(first.body);
    expect(slept).toHaveLength(1);
  });

  it('shares one attempt between concurrent retries with the same key', async () => {
    const { app } = testApp();

    const responses = await Promise.all(
      Array.from({ length: 5 }, () => request(app).post('/charges').set('Idempotency-Key', 'k-race').send(charge())),
    );

    expect(new Set(responses.map((r) => (r.body as { id: string }).id))).toEqual(new Set(['ch_00000001']));
  });

  it('refuses a key reused for a different charge', async () => {
    const { app } = testApp();
    await request(app).post('/charges').set('Idempotency-Key', 'k-2').send(charge('o-1')).expect(201);

    const reused = await request(app).post('/charges').set('Idempotency-Key', 'k-2').send(charge('o-2')).expect(409);

    expect(reused.body.error.code).toBe('idempotency_key_reused');
  });

  it('answers a declined card with 402 and a reason', async () => {
    const { app } = testApp();

    const declined = await request(app).post('/charges').set('Idempotency-Key', 'k-3').send(charge('o-3', TEST_CARDS.alwaysDeclines)).expect(402);
    const broke = await request(app).post('/charges').set('Idempotency-Key', 'k-4').send(charge('o-4', TEST_CARDS.insufficientFunds)).expect(402);

    expect(declined.body).toMatchObject({ status: 'declined', declineCode: 'card_declined' });
    expect(broke.body.declineCode).toBe('insufficient_funds');
  });

  it('declines about the configured share of ordinary cards', async () => {
    const { app } = testApp({ declineRate: 0.2 });
    const statuses: number[] = [];
    for (let i = 0; i < 300; i += 1) {
      statuses.push((await request(app).post('/charges').set('Idempotency-Key', `k-rate-${i}`).send(charge(`o-${i}`, 'tok_mastercard'))).status);
    }
    const declined = statuses.filter((s) => s === 402).length / statuses.length;
    expect(declined).toBeGreaterThan(0.12);
    expect(declined).toBeLessThan(0.28);
  });

  it('requires the key and a valid body, naming the field', async () => {
    const { app } = testApp();
    const noKey = await request(app).post('/charges').send(charge()).expect(400);
    const amount = await request(app).post('/charges').set('Idempotency-Key', 'k-5').send({ ...charge(), amountMinor: 25.99 }).expect(400);
    const currency = await request(app).post('/charges').set('Idempotency-Key', 'k-6').send({ ...charge(), currency: 'USD' }).expect(400);

    expect(noKey.body.error.message).toMatch(/^idempotency-key: /);
    expect(amount.body.error.message).toMatch(/^amountMinor: /);
    expect(currency.body.error.message).toMatch(/^currency: /);
  });

  it('never answers random input with a 5xx', async () => {
    const { app } = testApp();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 70 }), async (body, key) => {
        const res = await request(app)
          .post('/charges')
          .set('Content-Type', 'application/json')
          .set('Idempotency-Key', encodeURIComponent(key).slice(0, 80) || 'k')
          .send(JSON.stringify(body));
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });
});

describe('GET /charges/:id', () => {
  it('reads a charge back, 404 for an unknown one', async () => {
    const { app } = testApp();
    await request(app).post('/charges').set('Idempotency-Key', 'k-7').send(charge()).expect(201);

    await request(app).get('/charges/ch_00000001').expect(200);
    await request(app).get('/charges/ch_00000099').expect(404);
  });
});

describe('simulated latency', () => {
  it('has the configured median and a long tail', () => {
    const random = seeded(42);
    const samples = Array.from({ length: 5_000 }, () => latencyMs({ medianMs: 40, sigma: 0.6, declineRate: 0 }, random)).sort((a, b) => a - b);
    const median = samples[2_500] ?? 0;
    const p99 = samples[4_950] ?? 0;

    expect(median).toBeGreaterThan(34);
    expect(median).toBeLessThan(46);
    expect(p99 / median).toBeGreaterThan(3);
  });
});

describe('runtime configuration', () => {
  it('declines every charge once an operator sets the decline rate to 1 with PUT /admin/config', async () => {
    const logger = createLogger({ destination: new PassThrough().resume() });
    const runtime = createRuntimeConfig({ schema: runtimeSchema, initial: initialRuntime(loadConfig({ PAYMENTS_DECLINE_RATE: '0' })), logger });
    const provider = createProvider({ settings: runtime.derive(providerSettings), random: seeded(3), sleep: () => Promise.resolve(), now: () => new Date() });
    const lifecycle = new Lifecycle();
    lifecycle.markStarted();
    const app = createApp({ provider, logger, lifecycle, adminRoutes: runtime.router('payments-admin-token-0123') });
    const admin = { 'x-admin-token': 'payments-admin-token-0123' };

    const before = await request(app).post('/charges').set('Idempotency-Key', 'runtime-charge-1').send(charge('o-rt-1', 'tok_mastercard'));
    expect(before.body.status).toBe('succeeded');
    await request(app).put('/admin/config').set(admin).send({ declineRate: 1 }).expect(200);
    const after = await request(app).post('/charges').set('Idempotency-Key', 'runtime-charge-2').send(charge('o-rt-2', 'tok_mastercard'));
    expect(after.body.status).toBe('declined');
    const bad = await request(app).put('/admin/config').set(admin).send({ declineRate: 2 }).expect(400);
    expect(bad.body.error.message).toContain('declineRate');
  });
});
