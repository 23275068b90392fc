/** Orders' runtime configuration: its calls' budgets and retries change while it runs, validated, from the admin endpoint. */
import { createRuntimeConfig } from '@kit/service';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { callSettings, initialRuntime, runtimeSchema } from '../src/runtime';
import { openShop, order, quietLogger, type Shop } from './helpers';

const TOKEN = 'orders-admin-token-0123456789';
const admin = { 'x-admin-token': TOKEN };
let shop: Shop | undefined;
afterEach(() => shop?.close());

describe('runtime configuration', () => {
  it('starts from the environment: the call budgets orders was started with', () => {
    const initial = initialRuntime(loadConfig({ UPSTREAM_TIMEOUT_MS: '700', PAYMENTS_TIMEOUT_MS: '1500', UPSTREAM_RETRIES: '1' }));
    expect(callSettings(initial).upstream).toMatchObject({ timeoutMs: 700, retries: 1 });
    expect(callSettings(initial).payments).toMatchObject({ timeoutMs: 1500, retries: 1 });
  });

  it('cuts slow charges off at a budget lowered by PUT /admin/config, from the next checkout on', async () => {
    const runtime = createRuntimeConfig({ schema: runtimeSchema, initial: initialRuntime(loadConfig({})), logger: quietLogger() });
    shop = await openShop({ paymentsSettings: runtime.derive((settings) => ({ ...callSettings(settings).payments, retries: 0 })), adminRoutes: runtime.router(TOKEN) });
    shop.paymentsDelayMs = 300;

    await request(shop.orders).post('/orders').set('Idempotency-Key', 'runtime-0001').send(order('p-006')).expect(201);

    const changed = await request(shop.orders).put('/admin/config').set(admin).send({ paymentsTimeoutMs: 100 }).expect(200);
    expect(changed.body).toMatchObject({ version: 2, config: { paymentsTimeoutMs: 100 } });
    const started = Date.now();
    const slow = await request(shop.orders).post('/orders').set('Idempotency-Key', 'runtime-0002').send(order('p-006'));
    expect(slow.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('refuses an invalid change with a 400 naming the field, and keeps the old budgets', async () => {
    const runtime = createRuntimeConfig({ schema: runtimeSchema, initial: initialRuntime(loadConfig({})), logger: quietLogger() });
    shop = await openShop({ adminRoutes: runtime.router(TOKEN) });
    const bad = await request(shop.orders).put('/admin/config').set(admin).send({ upstreamRetries: 50 }).expect(400);
    expect(bad.body.error.message).toContain('upstreamRetries');
    await request(shop.orders).put('/admin/config').send({ upstreamRetries: 1 }).expect(401);
    const read = await request(shop.orders).get('/admin/config').set(admin).expect(200);
    expect(read.body).toMatchObject({ version: 1, config: { upstreamRetries: 2, upstreamTimeoutMs: 1000, paymentsTimeoutMs: 2000 } });
  });
});
