/**
 * Game days: scenario files (chaos/scenarios/*.yaml) that drive checkouts through the gateway,
 * inject faults through its chaos API on a schedule, and check what should happen — PromQL
 * conditions and alerts in Prometheus within a time window, and counters whose growth over the run
 * is bounded per checkout — and what must never happen: orders accepted but not stored, events not
 * delivered, a customer charged twice.
 *
 *   npm run gameday -- list
 *   npm run gameday -- <scenario>|all [--gateway URL] [--prometheus URL]
 *
 * The token is $CHAOS_TOKEN (or CHAOS_TOKEN in ./.env). Exits non-zero on any miss.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { tokenFrom } from './chaos-cli';

const seconds = z.number().min(0).max(3_600);
export const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string().min(10),
  load: z.strictObject({ checkoutsPerSecond: z.number().min(0).max(200), seconds }),
  faults: z
    .array(
      z.strictObject({
        at: seconds.describe('seconds after the load starts'),
        service: z.string().min(1),
        fault: z.record(z.string(), z.unknown()),
        seconds: z.number().int().min(1).max(3_600).describe('how long the fault lasts (its TTL)'),
      }),
    )
    .default([]),
  expect: z
    .array(
      z.union([
        z.strictObject({ name: z.string(), after: seconds.optional(), within: seconds, promql: z.string().min(1) }),
        z.strictObject({ name: z.string(), after: seconds.optional(), within: seconds, alert: z.string().min(1), state: z.enum(['pending', 'firing']).default('pending') }),
        // checked once the load is over: how much the counter grew during the run, per checkout sent
        z.strictObject({
          name: z.string(),
          counter: z.string().min(1).describe('a counter selector (summed); its growth from the start of the run to its end'),
          perCheckout: z
            .strictObject({ atMost: z.number().min(0).optional(), atLeast: z.number().min(0).optional() })
            .refine((bounds) => bounds.atMost !== undefined || bounds.atLeast !== undefined, 'needs atMost or atLeast'),
        }),
      ]),
    )
    .min(1),
  invariants: z.array(z.enum(['orders-consistent', 'no-double-charge'])).default(['orders-consistent', 'no-double-charge']),
  /** Seconds to wait after the faults for the system to recover before checking invariants. */
  recovery: seconds.default(30),
});
export type Scenario = z.infer<typeof scenarioSchema>;
type Expectation = Scenario['expect'][number];
type CounterExpectation = Extract<Expectation, { counter: string }>;
type WindowExpectation = Exclude<Expectation, CounterExpectation>;
const isCounter = (expectation: Expectation): expectation is CounterExpectation => 'counter' in expectation;

export interface GamedayOptions {
  readonly gateway: string;
  readonly prometheus: string;
  /** The load generator's control URL: paused during a scenario so the invariants count only its checkouts. */
  readonly loadgen?: string;
  readonly token: string;
  readonly report: (line: string) => void;
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export function loadScenarios(folder: string): Scenario[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const parsed = scenarioSchema.safeParse(parse(readFileSync(path.join(folder, file), 'utf8')));
      if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data;
    });
}

async function promQuery(prometheus: string, expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(`PromQL error in "${expr}": ${body.error ?? res.status}`);
  return body.data.result;
}

const total = async (prometheus: string, expr: string) => Number((await promQuery(prometheus, `sum(${expr})`))[0]?.value[1] ?? 0);

async function alertState(prometheus: string, alert: string): Promise<string | undefined> {
  const res = await fetch(`${prometheus}/api/v1/alerts`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as { data: { alerts: { labels: { alertname: string }; state: string }[] } };
  const states = body.data.alerts.filter((a) => a.labels.alertname === alert).map((a) => a.state);
  return states.includes('firing') ? 'firing' : states.includes('pending') ? 'pending' : undefined;
}

interface Checkout {
  readonly key: string;
  status?: number;
  orderId?: string;
}

/** Runs one scenario against a running stack; returns every check with its outcome. */
export async function runScenario(scenario: Scenario, options: GamedayOptions): Promise<CheckResult[]> {
  options.report(`▶ ${scenario.name}: ${scenario.description}`);
  const pausedLoadgen = await pauseLoadgen(options);
  try {
    return await play(scenario, options);
  } finally {
    if (pausedLoadgen !== undefined) await pausedLoadgen();
  }
}

/** Sets the load generator's rate to 0 and returns how to restore it (undefined when unreachable). */
async function pauseLoadgen(options: GamedayOptions): Promise<(() => Promise<void>) | undefined> {
  if (options.loadgen === undefined) return undefined;
  try {
    const current = (await (await fetch(`${options.loadgen}/control`, { signal: AbortSignal.timeout(2_000) })).json()) as { journeysPerSecond?: number };
    const rate = current.journeysPerSecond ?? 0;
    if (rate === 0) return undefined;
    const put = (journeysPerSecond: number) =>
      fetch(`${options.loadgen}/control`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ journeysPerSecond }) }).then((r) => r.arrayBuffer());
    await put(0);
    options.report(`  (load generator paused, was ${String(rate)} journeys/s: the invariants count only this run's checkouts)`);
    // let its last journeys finish and be scraped before the baseline is read
    await sleep(12_000);
    return async () => {
      await put(rate);
    };
  } catch {
    options.report('  (load generator not reachable: stop other traffic, or the invariants will count it too)');
    return undefined;
  }
}

async function play(scenario: Scenario, options: GamedayOptions): Promise<CheckResult[]> {
  const { report } = options;
  const results: CheckResult[] = [];
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1_000;
  const auth = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };

  const before = {
    sent: await total(options.prometheus, 'kit_notifications_messages_total{result="sent"}'),
    succeeded: await total(options.prometheus, 'kit_payments_charges_total{result="succeeded"}'),
  };
  const counters = scenario.expect.filter(isCounter);
  const countersBefore = await Promise.all(counters.map((expectation) => total(options.prometheus, expectation.counter)));

  // the load: an open model, one checkout every 1/rate seconds whatever the answers take
  const checkouts: Checkout[] = [];
  const inFlight: Promise<void>[] = [];
  const loadDone = (async () => {
    const interval = scenario.load.checkoutsPerSecond > 0 ? 1_000 / scenario.load.checkoutsPerSecond : Infinity;
    for (let next = Date.now(); Date.now() - started < scenario.load.seconds * 1_000; next += interval) {
      await sleep(Math.max(0, next - Date.now()));
      const checkout: Checkout = { key: `gd-${randomUUID()}` };
      checkouts.push(checkout);
      const productId = `p-0${String(10 + (checkouts.length % 40))}`;
      inFlight.push(
        fetch(`${options.gateway}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': checkout.key },
          body: JSON.stringify({ customerEmail: 'gameday@example.com', items: [{ productId, quantity: 1 }], card: { token: 'tok_visa' } }),
          signal: AbortSignal.timeout(15_000),
        })
          .then(async (res) => {
            checkout.status = res.status;
            if (res.status === 201) checkout.orderId = ((await res.json()) as { id: string }).id;
            else await res.arrayBuffer();
          })
          .catch(() => {
            checkout.status = 0;
          }),
      );
    }
  })();

  // the faults, on schedule
  const injected: { service: string; id: string }[] = [];
  const faultsDone = Promise.all(
    scenario.faults.map(async (step) => {
      await sleep(Math.max(0, step.at * 1_000 - (Date.now() - started)));
      const res = await fetch(`${options.gateway}/api/chaos/${step.service}/faults`, { method: 'POST', headers: auth, body: JSON.stringify({ ...step.fault, ttlSeconds: step.seconds }) });
      const body = (await res.json()) as { id?: string; error?: { message?: string } };
      const ok = res.status === 201 && body.id !== undefined;
      if (ok) injected.push({ service: step.service, id: body.id ?? '' });
      report(`  ${elapsed().toFixed(0).padStart(3)}s  ${ok ? 'injected' : 'FAILED to inject'} ${String(step.fault.type)} into ${step.service}${ok ? ` for ${String(step.seconds)}s` : `: ${body.error?.message ?? String(res.status)}`}`);
      results.push({ name: `inject ${String(step.fault.type)} into ${step.service}`, ok, detail: ok ? 'injected' : (body.error?.message ?? String(res.status)) });
    }),
  );

  // the expectations, each polled from `after` (default: 10 s after the first fault, so what a
  // previous run left in the rate windows cannot pass it) until it holds or its window closes
  const firstFault = Math.min(...scenario.faults.map((f) => f.at), scenario.load.seconds);
  const windowed = scenario.expect.filter((expectation): expectation is WindowExpectation => !isCounter(expectation));
  const expectationsDone = Promise.all(
    windowed.map(async (expectation) => {
      await sleep(Math.max(0, (expectation.after ?? firstFault + 10) * 1_000 - (Date.now() - started)));
      for (;;) {
        let holds = false;
        let detail: string;
        try {
          if ('promql' in expectation) {
            const result = await promQuery(options.prometheus, expectation.promql);
            holds = result.length > 0;
            detail = holds ? `${expectation.promql} → ${result.map((r) => r.value[1]).join(', ')}` : `${expectation.promql} → no result`;
          } else {
            const state = await alertState(options.prometheus, expectation.alert);
            holds = state === expectation.state || state === 'firing';
            detail = `${expectation.alert} is ${state ?? 'inactive'}`;
          }
        } catch (error) {
          detail = error instanceof Error ? error.message : String(error);
        }
        if (holds || elapsed() > expectation.within) {
          report(`  ${elapsed().toFixed(0).padStart(3)}s  ${holds ? '✓' : '✗'} ${expectation.name} (${detail})`);
          results.push({ name: expectation.name, ok: holds, detail });
          return;
        }
        await sleep(1_000);
      }
    }),
  );

  await Promise.all([loadDone, faultsDone, expectationsDone]);
  await Promise.all(inFlight);
  // end every fault this run started, then give the system time to recover (outbox, retries)
  for (const { service, id } of injected) await fetch(`${options.gateway}/api/chaos/${service}/faults/${id}`, { method: 'DELETE', headers: auth }).catch(() => undefined);

  if (counters.length > 0) {
    const settled = await scrapedAfter(options.prometheus, counters.map((c) => c.counter), Date.now() / 1_000 + COUNTER_SETTLE_SECONDS);
    for (const [i, expectation] of counters.entries()) {
      const grew = (await total(options.prometheus, expectation.counter)) - (countersBefore[i] ?? 0);
      const per = checkouts.length === 0 ? 0 : grew / checkouts.length;
      const { atMost, atLeast } = expectation.perCheckout;
      const ok = settled && checkouts.length > 0 && (atMost === undefined || per <= atMost) && (atLeast === undefined || per >= atLeast);
      const bounds = [atLeast === undefined ? '' : `at least ${String(atLeast)}`, atMost === undefined ? '' : `at most ${String(atMost)}`].filter(Boolean).join(', ');
      const detail = `${String(grew)} for ${String(checkouts.length)} checkouts: ${per.toFixed(3)} per checkout, ${bounds}${settled ? '' : '; Prometheus never scraped it after the run'}`;
      report(`  ${elapsed().toFixed(0).padStart(3)}s  ${ok ? '✓' : '✗'} ${expectation.name} (${detail})`);
      results.push({ name: expectation.name, ok, detail });
    }
  }

  const placed = checkouts.filter((c) => c.status === 201);
  const byStatus = new Map<number, number>();
  for (const c of checkouts) byStatus.set(c.status ?? 0, (byStatus.get(c.status ?? 0) ?? 0) + 1);
  report(`  load: ${String(checkouts.length)} checkouts (${[...byStatus].map(([status, n]) => `${String(n)}×${String(status)}`).join(', ')})`);

  const invariants: CheckResult[] = [];
  if (scenario.invariants.includes('orders-consistent')) {
    const missing: string[] = [];
    for (const c of placed) {
      const res = await fetch(`${options.gateway}/api/orders/${c.orderId ?? ''}`);
      if (res.status !== 200) missing.push(c.orderId ?? '?');
      await res.arrayBuffer();
    }
    // an invariant over nothing proves nothing: the load must have placed orders
    invariants.push({ name: 'checkouts were accepted', ok: placed.length > 0 || checkouts.length === 0, detail: `${String(placed.length)} of ${String(checkouts.length)}` });
    invariants.push({ name: 'every accepted order is stored', ok: missing.length === 0, detail: `${String(placed.length)} accepted, ${String(missing.length)} missing` });
    // every order.placed delivered exactly once (sent, not counting duplicates), once the outbox drains
    const deadline = Date.now() + scenario.recovery * 1_000;
    let delivered = 0;
    while (Date.now() < deadline) {
      delivered = (await total(options.prometheus, 'kit_notifications_messages_total{result="sent"}')) - before.sent;
      if (delivered >= placed.length) break;
      await sleep(2_000);
    }
    if (delivered === placed.length) {
      // one more scrape: a late duplicate would show now
      await sleep(11_000);
      delivered = (await total(options.prometheus, 'kit_notifications_messages_total{result="sent"}')) - before.sent;
    }
    invariants.push({ name: 'every accepted order is delivered to notifications exactly once', ok: delivered === placed.length, detail: `${String(placed.length)} accepted, ${String(delivered)} delivered` });
  }
  if (scenario.invariants.includes('no-double-charge')) {
    const succeeded = (await total(options.prometheus, 'kit_payments_charges_total{result="succeeded"}')) - before.succeeded;
    const ok = succeeded >= placed.length && succeeded <= checkouts.length;
    invariants.push({ name: 'no checkout is charged twice', ok, detail: `${String(succeeded)} charges for ${String(checkouts.length)} checkouts (${String(placed.length)} accepted)` });
  }
  for (const result of invariants) report(`        ${result.ok ? '✓' : '✗'} ${result.name} (${result.detail})`);
  results.push(...invariants);
  const misses = results.filter((r) => !r.ok).length;
  report(`${misses === 0 ? '✓ passed' : `✗ ${String(misses)} miss(es)`}: ${scenario.name} in ${elapsed().toFixed(0)} s\n`);
  return results;
}

/**
 * Seconds after the last answer that a counter must have been scraped: work a checkout started may
 * still finish just after it was answered (an attempt its caller gave up on).
 */
const COUNTER_SETTLE_SECONDS = 5;

/** Waits (bounded) until Prometheus holds a sample of every expression taken after `since` (Unix seconds). */
async function scrapedAfter(prometheus: string, exprs: readonly string[], since: number): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const stamps = await Promise.all(exprs.map(async (expr) => Number((await promQuery(prometheus, `max(timestamp(${expr}))`))[0]?.value[1] ?? 0)));
    if (stamps.every((stamp) => stamp >= since)) return true;
    if (Date.now() > deadline) return false;
    await sleep(1_000);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const folder = path.resolve(__dirname, '..', '..', '..', 'chaos', 'scenarios');
  const scenarios = loadScenarios(folder);
  const [which, ...rest] = argv;
  const flag = (name: string, fallback: string) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? (rest[i + 1] ?? fallback) : fallback;
  };
  if (which === undefined || which === 'list' || which === 'help') {
    process.stdout.write(`usage: npm run gameday -- <scenario>|all [--gateway URL] [--prometheus URL] [--loadgen URL]\n\n${scenarios.map((s) => `  ${s.name.padEnd(36)}${s.description}`).join('\n')}\n`);
    return which === undefined ? 2 : 0;
  }
  const token = tokenFrom({ env: process.env, cwd: process.cwd() });
  if (token === undefined) {
    process.stderr.write('gameday: set CHAOS_TOKEN (and enable chaos in the stack)\n');
    return 2;
  }
  const chosen = which === 'all' ? scenarios : scenarios.filter((s) => s.name === which);
  if (chosen.length === 0) {
    process.stderr.write(`gameday: no scenario "${which}"; npm run gameday -- list\n`);
    return 2;
  }
  const options: GamedayOptions = {
    gateway: flag('gateway', process.env.KIT_GATEWAY_URL ?? 'http://localhost:8080'),
    prometheus: flag('prometheus', process.env.KIT_PROMETHEUS_URL ?? 'http://localhost:9090'),
    loadgen: flag('loadgen', process.env.KIT_LOADGEN_URL ?? 'http://localhost:8089'),
    token,
    report: (line) => process.stdout.write(`${line}\n`),
  };
  let misses = 0;
  for (const scenario of chosen) misses += (await runScenario(scenario, options)).filter((r) => !r.ok).length;
  return misses === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`gameday: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
