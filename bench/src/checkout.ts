/**
 * The checkout benchmark (`npm run bench:checkout`): drives checkouts through the gateway of the
 * native stack (real PostgreSQL, Redis, RabbitMQ) at a fixed rate — an open model: a checkout starts
 * every 1/rate seconds whether or not earlier ones finished — with telemetry on (exporting to a local
 * OTLP receiver) and with it off (`OTEL_SDK_DISABLED=true`), interleaved in one run. It prints the
 * achieved rate, p50/p95/p99 end-to-end latency, errors, and each service's peak RSS. The simulated
 * payment provider is set to answer in about 1 ms, so the figures are the kit's own cost.
 *
 *   npm run bench:checkout                      # 200 checkouts/s, 30 s after a 5 s warm-up, 2 rounds
 *   BENCH_QUICK=1 node bench/dist/checkout.js   # smoke run: 50/s, 3 s, 1 round
 * Overrides: CHECKOUT_RATE, CHECKOUT_SECONDS, CHECKOUT_WARMUP, BENCH_ROUNDS.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVICES, startStack, type RunningStack, type ServiceName } from '@kit/runner';
import { readRssBytes } from './app-process';
import { driveCheckouts as drive, interleavedRounds, median, percentile, type Phase } from './open-load';

const ROOT = path.resolve(__dirname, '..', '..');
const quick = process.env.BENCH_QUICK === '1';
const settings = {
  rate: Number(process.env.CHECKOUT_RATE ?? (quick ? 50 : 200)),
  seconds: Number(process.env.CHECKOUT_SECONDS ?? (quick ? 3 : 30)),
  warmup: Number(process.env.CHECKOUT_WARMUP ?? (quick ? 1 : 5)),
  rounds: Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 2)),
};
const VARIANTS = ['telemetry off', 'telemetry on'] as const;
type Variant = (typeof VARIANTS)[number];
const MEASURED: ServiceName[] = SERVICES.filter((s) => s !== 'loadgen');

interface Run {
  readonly variant: Variant;
  readonly phase: Phase;
  readonly peakRss: Record<string, number>;
}

async function runOnce(variant: Variant, sinkEndpoint: string): Promise<Run> {
  spawnSync('redis-cli', ['-h', '127.0.0.1', '-n', '3', 'flushdb']);
  const off = variant === 'telemetry off' ? { OTEL_SDK_DISABLED: 'true' } : {};
  const env: Partial<Record<ServiceName, Record<string, string>>> = {};
  for (const service of SERVICES) env[service] = { ...off, LOG_LEVEL: 'warn' };
  env.inventory = { ...env.inventory, INVENTORY_SEED_STOCK: '100000' };
  env.loadgen = { ...env.loadgen, LOADGEN_RATE: '0' };
  // one client sends everything here: lift the per-client limit that would turn it into 429s
  env.gateway = { ...env.gateway, RATE_LIMIT_PER_MINUTE: '1000000' };
  // the simulated provider answers in about a millisecond here: the benchmark measures the kit's own
  // cost, not the 40 ms median a real acquirer (and the demo default) adds
  env.payments = { ...env.payments, PAYMENTS_LATENCY_MEDIAN_MS: '1', PAYMENTS_LATENCY_SIGMA: '0.3', PAYMENTS_DECLINE_RATE: '0' };
  const stack: RunningStack = await startStack({ basePort: 28_080, otlpEndpoint: sinkEndpoint, redisUrl: 'redis://127.0.0.1:6379/3', env });
  const peakRss: Record<string, number> = {};
  const sampler = setInterval(() => {
    for (const service of MEASURED) {
      const pid = stack.pid(service);
      if (pid !== undefined) void readRssBytes(pid).then((rss) => (peakRss[service] = Math.max(peakRss[service] ?? 0, rss ?? 0)));
    }
  }, 250);
  try {
    await drive(stack.urls.gateway, settings.rate, settings.warmup);
    const phase = await drive(stack.urls.gateway, settings.rate, settings.seconds);
    return { variant, phase, peakRss };
  } finally {
    clearInterval(sampler);
    await stack.stop();
  }
}

async function main(): Promise<void> {
  const runs = await interleavedRounds({
    variants: VARIANTS,
    rounds: settings.rounds,
    run: runOnce,
    report(round, variant, run) {
      const sorted = [...run.phase.latencies].sort((a, b) => a - b);
      process.stdout.write(`[round ${round}] ${variant.padEnd(13)} ${(run.phase.ok / run.phase.seconds).toFixed(0)} ok/s  p50 ${percentile(sorted, 50).toFixed(1)} ms  p99 ${percentile(sorted, 99).toFixed(1)} ms  errors ${JSON.stringify(run.phase.errors)}\n`);
    },
  });
  const lines = [
    '# Checkout benchmark',
    '',
    `- date: ${new Date().toISOString()}; node ${process.version}; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'})`,
    `- open model: ${settings.rate} checkouts/s for ${settings.seconds} s after ${settings.warmup} s warm-up; ${settings.rounds} round(s), variants interleaved; through the gateway of the native stack (PostgreSQL, Redis, RabbitMQ); the load generator runs on the same machine`,
    '',
    `| variant | achieved checkouts/s | p50 ms | p95 ms | p99 ms | errors | ${MEASURED.map((s) => `${s} MB`).join(' | ')} |`,
    `|---|---:|---:|---:|---:|---:|${MEASURED.map(() => '---:').join('|')}|`,
  ];
  for (const variant of VARIANTS) {
    const mine = runs.filter((r) => r.variant === variant);
    const stat = (p: number) => median(mine.map((r) => percentile([...r.phase.latencies].sort((a, b) => a - b), p))).toFixed(1);
    const errors = mine.reduce((sum, r) => sum + Object.values(r.phase.errors).reduce((a, b) => a + b, 0), 0);
    const rss = MEASURED.map((s) => (Math.max(...mine.map((r) => r.peakRss[s] ?? 0)) / 2 ** 20).toFixed(0));
    lines.push(`| ${variant} | ${median(mine.map((r) => r.phase.ok / r.phase.seconds)).toFixed(0)} | ${stat(50)} | ${stat(95)} | ${stat(99)} | ${errors} | ${rss.join(' | ')} |`);
  }
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(`\n${text}`);
  mkdirSync(path.join(ROOT, '.bench'), { recursive: true });
  writeFileSync(path.join(ROOT, '.bench', 'checkout.md'), text);
  const failed = runs.some((r) => r.phase.ok === 0);
  if (failed) throw new Error('a variant completed no checkout: the benchmark is broken');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
