/**
 * Monolith or microservices, measured side by side (`npm run bench:architectures`): the same shop as
 * six services and as one process (sample-services/monolith), on the native stack (real PostgreSQL,
 * Redis, RabbitMQ), telemetry on (exporting to a local OTLP sink), in one run with the two modes
 * interleaved and their order rotated each round. For each mode:
 *
 *   - checkouts at a fixed rate (the checkout benchmark's open model): p50 and p99;
 *   - capacity: a ramp of fixed rates, each held for a while, until a step is no longer served
 *     (a checkout failed, less than 95 % of the offered rate was achieved, or p99 passed 500 ms).
 *     Reported: the highest rate reached before p99 first passed 25 ms, and the highest rate served;
 *   - the resident memory of all the shop's processes together (the load generator excluded: it is
 *     the same in both), and how many processes that is;
 *   - the blast radius of a payments fault: catalog browsing (GET /api/catalog/products/:id at a
 *     fixed rate), without and then with a CPU-burn fault injected into payments through the chaos
 *     API. In the monolith, payments shares its event loop with the catalog.
 *
 *   npm run bench:architectures                              # 3 rounds, about 12 minutes
 *   BENCH_QUICK=1 node bench/dist/architectures.js           # smoke run: 1 round, about 40 s
 * Overrides: CHECKOUT_RATE, CHECKOUT_SECONDS, CHECKOUT_WARMUP, STEP_SECONDS, BROWSE_RATE,
 * BROWSE_SECONDS, FAULT_DUTY_CYCLE, BENCH_ROUNDS.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MODE_PROCESSES, startStack, type ProcessName, type RunningStack, type StackMode } from '@kit/runner';
import { readRssBytes } from './app-process';
import { ascending, driveCheckouts, interleavedRounds, median, openLoad, percentile, type Phase } from './open-load';

const ROOT = path.resolve(__dirname, '..', '..');
const quick = process.env.BENCH_QUICK === '1';
const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  rate: number('CHECKOUT_RATE', quick ? 20 : 50),
  seconds: number('CHECKOUT_SECONDS', quick ? 2 : 20),
  warmup: number('CHECKOUT_WARMUP', quick ? 1 : 5),
  stepSeconds: number('STEP_SECONDS', quick ? 2 : 6),
  browseRate: number('BROWSE_RATE', quick ? 20 : 50),
  browseSeconds: number('BROWSE_SECONDS', quick ? 2 : 10),
  dutyCycle: number('FAULT_DUTY_CYCLE', 0.5),
  rounds: number('BENCH_ROUNDS', quick ? 1 : 3),
};
/** The ramp's offered rates, checkouts per second. */
const RAMP = quick ? [10, 20] : [10, 20, 30, 40, 60, 80, 100, 130, 160, 200, 250, 300];
const P99_LIMIT_MS = 25;
/** A step beyond this p99 is overload, not noise: the ramp stops there. */
const SERVED_P99_MS = 500;
const MODES: readonly StackMode[] = ['services', 'monolith'];
const BASE_PORT = 23_280;
const REDIS_DB = 11;
const CHAOS_TOKEN = 'bench-architectures-chaos-0123';

interface Step {
  readonly rate: number;
  readonly achieved: number;
  readonly p99: number;
  readonly failed: number;
  /** Every checkout succeeded, the rate was achieved and p99 stayed under SERVED_P99_MS. */
  readonly served: boolean;
  /** Served, and p99 within P99_LIMIT_MS. */
  readonly fast: boolean;
}

interface Run {
  readonly mode: StackMode;
  readonly checkout: Phase;
  readonly steps: readonly Step[];
  readonly processes: number;
  readonly idleRssBytes: number;
  readonly peakRssBytes: number;
  readonly browse: Phase;
  readonly browseUnderFault: Phase;
}

const failures = (phase: Phase) => Object.values(phase.errors).reduce((a, b) => a + b, 0);
const p = (phase: Phase, q: number) => percentile(ascending(phase.latencies), q);

/** The sum of the shop's processes' resident memory now (the load generator left out). */
async function totalRss(stack: RunningStack, shop: readonly ProcessName[]): Promise<number> {
  const each = await Promise.all(shop.map((name) => {
    const pid = stack.pid(name);
    return pid === undefined ? Promise.resolve(0) : readRssBytes(pid).then((rss) => rss ?? 0);
  }));
  return each.reduce((a, b) => a + b, 0);
}

async function chaos(gateway: string, method: 'POST' | 'DELETE', body?: unknown): Promise<void> {
  const res = await fetch(`${gateway}/api/chaos/payments/faults`, {
    method,
    headers: { authorization: `Bearer ${CHAOS_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`chaos ${method} answered ${String(res.status)}: ${await res.text()}`);
}

const browse = (gateway: string) =>
  openLoad({
    rate: settings.browseRate,
    seconds: settings.browseSeconds,
    send: (i) => fetch(`${gateway}/api/catalog/products/p-${String(1 + (i % 50)).padStart(3, '0')}`, { signal: AbortSignal.timeout(10_000) }),
    ok: (status) => status === 200,
  });

async function runOnce(mode: StackMode, sinkEndpoint: string): Promise<Run> {
  spawnSync('redis-cli', ['-h', '127.0.0.1', '-n', String(REDIS_DB), 'flushdb']);
  const shop = MODE_PROCESSES[mode].filter((name) => name !== 'loadgen');
  const common = { LOG_LEVEL: 'warn', CHAOS_ENABLED: 'true', CHAOS_TOKEN };
  // the same settings as the checkout benchmark, in both modes (the monolith reads the services' keys)
  const stack = await startStack({
    mode,
    basePort: BASE_PORT,
    otlpEndpoint: sinkEndpoint,
    redisUrl: `redis://127.0.0.1:6379/${String(REDIS_DB)}`,
    amqpUrl: 'amqp://guest:guest@127.0.0.1:5672/kit-arch',
    databases: { catalog: 'kit_arch_catalog', orders: 'kit_arch_orders', notifications: 'kit_arch_notifications' },
    env: {
      gateway: { ...common, RATE_LIMIT_PER_MINUTE: '1000000' },
      catalog: common,
      orders: common,
      inventory: { ...common, INVENTORY_SEED_STOCK: '1000000' },
      payments: { ...common, PAYMENTS_LATENCY_MEDIAN_MS: '1', PAYMENTS_LATENCY_SIGMA: '0.3', PAYMENTS_DECLINE_RATE: '0' },
      notifications: common,
      loadgen: { LOG_LEVEL: 'warn', LOADGEN_RATE: '0' },
    },
  });
  let peak = 0;
  const sampler = setInterval(() => void totalRss(stack, shop).then((rss) => (peak = Math.max(peak, rss))), 250);
  try {
    await sleep(1_000);
    const idleRssBytes = await totalRss(stack, shop);
    const gateway = stack.urls.gateway;
    await driveCheckouts(gateway, settings.rate, settings.warmup);
    const checkout = await driveCheckouts(gateway, settings.rate, settings.seconds);
    const steps: Step[] = [];
    for (const rate of RAMP) {
      const phase = await driveCheckouts(gateway, rate, settings.stepSeconds);
      const achieved = phase.ok / phase.seconds;
      const p99 = p(phase, 99);
      const served = failures(phase) === 0 && achieved >= 0.95 * rate && p99 <= SERVED_P99_MS;
      steps.push({ rate, achieved, p99, failed: failures(phase), served, fast: served && p99 <= P99_LIMIT_MS });
      if (!served) break;
      // let queues drain between steps
      await sleep(500);
    }
    await sleep(1_000);
    const calm = await browse(gateway);
    await chaos(gateway, 'POST', { type: 'cpu', dutyCycle: settings.dutyCycle, ttlSeconds: 120 });
    let underFault: Phase;
    try {
      await sleep(300);
      underFault = await browse(gateway);
    } finally {
      await chaos(gateway, 'DELETE');
    }
    return { mode, checkout, steps, processes: shop.length, idleRssBytes, peakRssBytes: peak, browse: calm, browseUnderFault: underFault };
  } finally {
    clearInterval(sampler);
    await stack.stop();
  }
}

/** The highest rate of the ramp before the first step that fails `test`, or 0 when the first one does. */
const highest = (steps: readonly Step[], test: (step: Step) => boolean) => {
  const first = steps.findIndex((step) => !test(step));
  return steps[(first === -1 ? steps.length : first) - 1]?.rate ?? 0;
};

async function main(): Promise<void> {
  const runs = await interleavedRounds({
    variants: MODES,
    rounds: settings.rounds,
    run: runOnce,
    report(round, mode, run) {
      const ramp = run.steps.map((s) => `${String(s.rate)}/s p99 ${s.p99.toFixed(0)}${s.served ? '' : ` ✗ (${s.achieved.toFixed(0)}/s, ${String(s.failed)} failed)`}`).join(', ');
      process.stdout.write(
        `[round ${String(round)}] ${mode.padEnd(8)} checkout p50 ${p(run.checkout, 50).toFixed(1)} p99 ${p(run.checkout, 99).toFixed(1)} ms` +
          ` errors ${JSON.stringify(run.checkout.errors)} | ramp ${ramp} | RSS ${(run.peakRssBytes / 2 ** 20).toFixed(0)} MB` +
          ` | browse p99 ${p(run.browse, 99).toFixed(1)} → ${p(run.browseUnderFault, 99).toFixed(1)} ms under the payments fault\n`,
      );
    },
  });

  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  const lines = [
    '# Monolith or microservices',
    '',
    `- date: ${new Date().toISOString()}; node ${process.version}; ${String(os.cpus().length)} CPUs (${os.cpus()[0]?.model ?? 'unknown'})`,
    `- ${String(settings.rounds)} round(s), modes interleaved and rotated; native stack (PostgreSQL, Redis, RabbitMQ) and the load generator on the same machine; telemetry on, exported to a local OTLP sink; simulated payment provider at ~1 ms`,
    `- checkouts: open model, ${String(settings.rate)}/s for ${String(settings.seconds)} s after ${String(settings.warmup)} s warm-up; capacity: steps of ${String(settings.stepSeconds)} s at ${RAMP.join(', ')}/s until one is not served (a failed checkout, < 95 % of the offered rate, or p99 > ${String(SERVED_P99_MS)} ms)`,
    `- blast radius: GET /api/catalog/products/:id at ${String(settings.browseRate)}/s for ${String(settings.browseSeconds)} s, then again with a chaos CPU fault in payments (duty cycle ${String(settings.dutyCycle)})`,
    '- figures are medians over the rounds; RSS sums the shop\'s processes (loadgen excluded)',
    '',
    '| | services | monolith |',
    '|---|---:|---:|',
  ];
  const of = (mode: StackMode) => runs.filter((r) => r.mode === mode);
  const row = (label: string, value: (mine: Run[]) => string) => lines.push(`| ${label} | ${MODES.map((mode) => value(of(mode))).join(' | ')} |`);
  const med = (mine: Run[], pick: (r: Run) => number) => median(mine.map(pick));
  row(`checkout p50 at ${String(settings.rate)}/s`, (mine) => `${med(mine, (r) => p(r.checkout, 50)).toFixed(1)} ms`);
  row(`checkout p99 at ${String(settings.rate)}/s`, (mine) => `${med(mine, (r) => p(r.checkout, 99)).toFixed(1)} ms`);
  row('failed checkouts', (mine) => String(mine.reduce((sum, r) => sum + failures(r.checkout), 0)));
  const rateCell = (rates: number[]) => {
    const show = (rate: number) => (rate === 0 ? `< ${String(RAMP[0])}` : String(rate));
    return `${show(median(rates))}/s (rounds: ${rates.map(show).join(', ')})`;
  };
  row(`max rate before p99 passes ${String(P99_LIMIT_MS)} ms`, (mine) => rateCell(mine.map((r) => highest(r.steps, (s) => s.fast))));
  row(`max rate served (no error, p99 ≤ ${String(SERVED_P99_MS)} ms)`, (mine) => rateCell(mine.map((r) => highest(r.steps, (s) => s.served))));
  row('processes (containers)', (mine) => String(mine[0]?.processes ?? 0));
  row('total RSS, idle', (mine) => mb(med(mine, (r) => r.idleRssBytes)));
  row('total RSS, peak under load', (mine) => mb(med(mine, (r) => r.peakRssBytes)));
  row('browse p50, calm → payments CPU fault', (mine) => `${med(mine, (r) => p(r.browse, 50)).toFixed(1)} → ${med(mine, (r) => p(r.browseUnderFault, 50)).toFixed(1)} ms`);
  row('browse p99, calm → payments CPU fault', (mine) => `${med(mine, (r) => p(r.browse, 99)).toFixed(1)} → ${med(mine, (r) => p(r.browseUnderFault, 99)).toFixed(1)} ms`);
  row('failed browses under the fault', (mine) => String(mine.reduce((sum, r) => sum + failures(r.browseUnderFault), 0)));
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(`\n${text}`);
  mkdirSync(path.join(ROOT, '.bench'), { recursive: true });
  writeFileSync(path.join(ROOT, '.bench', 'architectures.md'), text);
  const summary = (phase: Phase) => ({ sent: phase.sent, ok: phase.ok, errors: phase.errors, seconds: phase.seconds, p50: p(phase, 50), p99: p(phase, 99) });
  const json = runs.map((r) => ({ ...r, checkout: summary(r.checkout), browse: summary(r.browse), browseUnderFault: summary(r.browseUnderFault) }));
  writeFileSync(path.join(ROOT, '.bench', 'architectures.json'), `${JSON.stringify({ settings, ramp: RAMP, runs: json }, null, 2)}\n`);
  // a mode that completed nothing means the harness is broken, not that the mode is slow
  const broken = runs.filter((r) => r.checkout.ok === 0 || r.browse.ok === 0);
  if (broken.length > 0) throw new Error(`${broken.map((r) => r.mode).join(', ')} completed no checkout or browse: the benchmark is broken`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
