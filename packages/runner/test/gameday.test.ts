/**
 * The game-day runner's counter expectations against a fake gateway and a fake Prometheus: a
 * counter's growth over the run, per checkout sent, within its bounds or not.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { runScenario, scenarioSchema } from '../src/gameday';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

const listen = (app: express.Express) =>
  new Promise<string>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${String((server.address() as AddressInfo).port)}`));
    servers.push(server);
  });

/** A shop whose every checkout makes `callsPerCheckout` calls to "payments", and a Prometheus that reports them. */
async function fakes(callsPerCheckout: number) {
  let calls = 1_000; // what earlier runs left in the counter
  const gateway = express();
  gateway.post('/api/orders', (_req, res) => {
    calls += callsPerCheckout;
    res.status(201).json({ id: 'o-1' });
  });
  const prometheus = express();
  prometheus.get('/api/v1/query', (req, res) => {
    const query = typeof req.query.query === 'string' ? req.query.query : '';
    const now = Date.now() / 1_000;
    if (query.startsWith('max(timestamp(')) res.json({ status: 'success', data: { result: [{ metric: {}, value: [now, String(now)] }] } });
    else if (query === 'sum(payments_calls_total)') res.json({ status: 'success', data: { result: [{ metric: {}, value: [now, String(calls)] }] } });
    else res.json({ status: 'success', data: { result: [] } });
  });
  return { gateway: await listen(gateway), prometheus: await listen(prometheus) };
}

const scenario = (atMost: number) =>
  scenarioSchema.parse({
    name: 'counter-check',
    description: 'a counter bounded per checkout',
    load: { checkoutsPerSecond: 10, seconds: 1 },
    expect: [{ name: 'payments sees a bounded number of calls', counter: 'payments_calls_total', perCheckout: { atMost } }],
    invariants: [],
  });

describe('counter expectations of a game day', () => {
  it("hold when the counter grew by at most the bound per checkout sent, counting only this run's growth", async () => {
    const urls = await fakes(1);

    const results = await runScenario(scenario(1.2), { ...urls, token: 'unused-token-0123456789', report: () => undefined });

    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ok: true, detail: expect.stringMatching(/^\d+ for \d+ checkouts: 1\.000 per checkout, at most 1\.2$/) as unknown });
  });

  it('miss when the counter grew faster than the bound allows', async () => {
    const urls = await fakes(3);

    const results = await runScenario(scenario(1.2), { ...urls, token: 'unused-token-0123456789', report: () => undefined });

    expect(results[0]).toMatchObject({ ok: false, detail: expect.stringContaining('3.000 per checkout') as unknown });
  });

  it('refuse a counter expectation with no bound', () => {
    expect(() => scenarioSchema.parse({ ...scenario(1), expect: [{ name: 'x', counter: 'y', perCheckout: {} }] })).toThrow(/needs atMost or atLeast/);
  });
});
