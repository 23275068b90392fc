/**
 * The telemetry overhead benchmark. Run from the repository root after `npx tsc -b`:
 *
 *   node bench/dist/overhead.js                    # rounds=3, 5 s measurements, 2 s warm-up, 16 connections
 *   BENCH_QUICK=1 node bench/dist/overhead.js      # smoke test: 1 round, 2 s measurements, 1 s warm-up
 *   BENCH_ABLATION=1 node bench/dist/overhead.js   # also the kit with single signals switched off
 *
 * It starts the bench app (bench/dist/app.js) three ways — `none` (no telemetry), `zero-code`
 * (OpenTelemetry's auto-instrumentations preload) and `kit` (the @kit/telemetry preload) — with the
 * telemetry variants exporting to an in-process OTLP sink, and loads each with autocannon, interleaved
 * and in rotated order. With BENCH_ABLATION=1 three more kit variants join the rotation:
 * `kit: traces only` (OTEL_LOGS_EXPORTER=none), `kit: logs only` (OTEL_TRACES_EXPORTER=none) and
 * `kit: metrics only` (both); targets are still judged on `kit` alone.
 *
 * Every measurement uses a fresh child process: idle RSS, warm-up, the saturating run (throughput,
 * latency, peak RSS), then, after a short pause, a fixed-rate phase in the same child — autocannon
 * `overallRate` BENCH_RATE req/s over 16 connections — that yields the app's CPU time per request
 * (utime + stime from /proc/<pid>/stat) and that phase's latencies.
 *
 * On a machine with >= 2 CPUs and /usr/bin/taskset, the driver (autocannon + sink) pins itself to one
 * CPU and every app child, all threads, to another (CPU 0 and CPU 1 normally); BENCH_PIN=0 turns that
 * off. The header says which pinning was used.
 *
 * Results are printed as markdown and written to .bench/overhead.md and .bench/overhead.json (the
 * JSON also holds every raw measurement, fixed-rate phase included). Overrides: BENCH_ROUNDS,
 * BENCH_DURATION and BENCH_WARMUP (seconds), BENCH_CONNECTIONS, BENCH_RATE (req/s, default 1000),
 * BENCH_RATE_DURATION (seconds, default 5, quick 2), BENCH_PIN=0, BENCH_ABLATION=1.
 *
 * Exit code 1 only when the benchmark itself broke (a child did not start or could not be pinned,
 * errors or non-2xx responses under load, saturating or fixed-rate); missed overhead targets are
 * reported, not failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchFailure, killAllApps, readRssBytes, sampleRss, startApp, type AppLaunch, type RunningApp } from './app-process';
import { clockTicksPerSecond, readCpuTicks, setUpPinning, type Pinning } from './cpu';
import { runLoad, type LoadResult } from './load';
import { OTLP_PATHS, startSink, type Sink, type SinkStats } from './otlp-sink';
import {
  ABLATION_VARIANTS,
  BASE_VARIANTS,
  EXPECTED_EXPORTS,
  checkTargets,
  median,
  renderMarkdown,
  sinkRows,
  sinkWarnings,
  summarise,
  type FixedRateRun,
  type Measurement,
  type ReportInput,
  type RunInfo,
  type VariantName,
} from './report';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const APP_SCRIPT = path.join(__dirname, 'app.js');
const OUTPUT_DIR = path.join(REPO_ROOT, '.bench');
const START_TIMEOUT_MS = 30_000;
/** Pause between the port line and the idle RSS reading, so start-up work has settled. */
const IDLE_SETTLE_MS = 1_000;
const RSS_INTERVAL_MS = 200;
/** Pause between measurements, so the previous child's exit does not overlap the next one. */
const GAP_MS = 300;
/** Distinct stderr texts per variant shown in the notes (all of them go to the JSON). */
const MAX_STDERR_TEXTS = 3;
/** Connections of the fixed-rate phase. */
const RATE_CONNECTIONS = 16;
/**
 * Pause between the saturating run and the fixed-rate phase, so the export backlog the saturating
 * run left in the batch processors (kit: 1 s schedule delay) is not charged to the fixed-rate phase.
 */
const RATE_SETTLE_MS = 1_500;
/** Notes flag fixed-rate phases that completed less than this share of the requested rate. */
const RATE_SHORTFALL = 0.95;
/** Below this median share of active 10 ms slots, the notes call the fixed-rate arrivals bursty. */
const BURSTY_BELOW = 0.5;
/** Notes flag saturating runs in which the pinned driver kept its CPU at least this busy. */
const DRIVER_BUSY = 0.9;

const ENDPOINTS = [
  { name: '/hello', path: '/hello' },
  { name: '/products', path: '/products?limit=50' },
] as const;
type Endpoint = (typeof ENDPOINTS)[number];

interface BenchConfig {
  readonly rounds: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly quick: boolean;
  /** Fixed-rate phase: req/s over all connections, and its length. */
  readonly rate: number;
  readonly rateDurationSeconds: number;
  readonly ablation: boolean;
  readonly variants: readonly VariantName[];
}

/** What the driver learnt about the machine at start-up. */
interface BenchHost {
  /** CPUs available to the driver before it pinned itself. */
  readonly cpus: number;
  readonly pinning: Pinning;
  readonly ticksPerSecond: number;
  readonly ticksSource: string;
}

function envNumber(name: string, fallback: number, minimum: number, integer: boolean): number {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < minimum || (integer && !Number.isInteger(value))) {
    throw new Error(`${name}=${raw} is not ${integer ? 'an integer' : 'a number'} >= ${minimum}`);
  }
  return value;
}

function readConfig(): BenchConfig {
  const quick = process.env.BENCH_QUICK === '1';
  const ablation = process.env.BENCH_ABLATION === '1';
  return {
    quick,
    rounds: envNumber('BENCH_ROUNDS', quick ? 1 : 3, 1, true),
    durationSeconds: envNumber('BENCH_DURATION', quick ? 2 : 5, 1, true),
    warmupSeconds: envNumber('BENCH_WARMUP', quick ? 1 : 2, 0, true),
    connections: envNumber('BENCH_CONNECTIONS', 16, 1, true),
    rate: envNumber('BENCH_RATE', 1000, RATE_CONNECTIONS, true),
    rateDurationSeconds: envNumber('BENCH_RATE_DURATION', quick ? 2 : 5, 1, true),
    ablation,
    variants: ablation ? [...BASE_VARIANTS, ...ABLATION_VARIANTS] : [...BASE_VARIANTS],
  };
}

/** The driver's environment without any OTEL_* setting, so only what a variant sets reaches it. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('OTEL_') && key !== 'NODE_OPTIONS') env[key] = value;
  }
  return { ...env, PORT: '0', NODE_ENV: 'production' };
}

function variantLaunch(variant: VariantName, sinkPort: number, cpu: number | undefined): AppLaunch {
  const common = {
    script: APP_SCRIPT,
    cwd: REPO_ROOT,
    startTimeoutMs: START_TIMEOUT_MS,
    label: variant,
    ...(cpu === undefined ? {} : { cpu }),
  };
  const otlp = {
    OTEL_SERVICE_NAME: 'bench-app',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}`,
  };
  switch (variant) {
    case 'none':
      return { ...common, nodeArgs: [], env: baseEnv() };
    case 'zero-code':
      return {
        ...common,
        nodeArgs: ['--require', '@opentelemetry/auto-instrumentations-node/register'],
        env: {
          ...baseEnv(),
          ...otlp,
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_LOGS_EXPORTER: 'otlp',
          OTEL_METRICS_EXPORTER: 'none',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        },
      };
    case 'kit':
    case 'kit: traces only':
    case 'kit: logs only':
    case 'kit: metrics only': {
      // the ablation variants are `kit` with the exporters EXPECTED_EXPORTS says they lack switched off
      const expected = EXPECTED_EXPORTS[variant];
      return {
        ...common,
        nodeArgs: ['--require', '@kit/telemetry/register'],
        env: {
          ...baseEnv(),
          ...otlp,
          OTEL_TRACES_SAMPLER: 'parentbased_always_on',
          ...(expected.traces ? {} : { OTEL_TRACES_EXPORTER: 'none' }),
          ...(expected.logs ? {} : { OTEL_LOGS_EXPORTER: 'none' }),
        },
      };
    }
  }
}

/** Round r runs the variants rotated by r: A/B/C, then B/C/A, then C/A/B, ... */
function rotatedVariants(variants: readonly VariantName[], round: number): VariantName[] {
  const shift = round % variants.length;
  return [...variants.slice(shift), ...variants.slice(0, shift)];
}

function sinkDelta(before: SinkStats, after: SinkStats): SinkStats {
  const delta = {} as Record<keyof SinkStats, { requests: number; bytes: number }>;
  for (const p of OTLP_PATHS) {
    delta[p] = { requests: after[p].requests - before[p].requests, bytes: after[p].bytes - before[p].bytes };
  }
  return delta;
}

function assertClean(load: LoadResult, what: string, app: RunningApp): void {
  if (load.errors === 0 && load.non2xx === 0 && load.responses2xx > 0) return;
  throw new BenchFailure(
    `${what}: ${load.responses2xx} 2xx, ${load.non2xx} non-2xx, ${load.errors} errors (${load.timeouts} timeouts)`,
    app.stderr(),
  );
}

interface LoadedRun {
  readonly idleRssBytes: number | undefined;
  readonly peakRssBytes: number | undefined;
  readonly load: LoadResult;
  readonly appCpuShare: number | undefined;
  readonly driverCpuShare: number;
  readonly fixedRate: FixedRateRun;
}

/** CPU seconds from clock ticks; undefined when either reading is missing. */
function cpuSecondsBetween(before: number | undefined, after: number | undefined, host: BenchHost): number | undefined {
  return before === undefined || after === undefined ? undefined : (after - before) / host.ticksPerSecond;
}

/** The saturating run with RSS sampling, and how busy app and driver were during it. */
async function saturatingRun(app: RunningApp, url: string, config: BenchConfig, host: BenchHost, label: string) {
  const sampler = sampleRss(app.pid, RSS_INTERVAL_MS);
  const appTicksBefore = await readCpuTicks(app.pid);
  const driverBefore = process.cpuUsage();
  const startedAt = performance.now();
  let load: LoadResult;
  let peakRssBytes: number | undefined;
  try {
    load = await runLoad({ url, connections: config.connections, durationSeconds: config.durationSeconds });
  } finally {
    peakRssBytes = await sampler.stop();
  }
  const wallSeconds = (performance.now() - startedAt) / 1000;
  const driver = process.cpuUsage(driverBefore);
  const appCpuSeconds = cpuSecondsBetween(appTicksBefore, await readCpuTicks(app.pid), host);
  assertClean(load, label, app);
  return {
    load,
    peakRssBytes,
    appCpuShare: appCpuSeconds === undefined ? undefined : appCpuSeconds / wallSeconds,
    driverCpuShare: (driver.user + driver.system) / 1e6 / wallSeconds,
  };
}

/** The fixed-rate phase: autocannon overallRate, with the app's CPU time read before and after. */
async function fixedRatePhase(
  app: RunningApp,
  url: string,
  config: BenchConfig,
  host: BenchHost,
  label: string,
): Promise<FixedRateRun> {
  const options = {
    url,
    connections: RATE_CONNECTIONS,
    durationSeconds: config.rateDurationSeconds,
    overallRate: config.rate,
  };
  const before = await readCpuTicks(app.pid);
  const load = await runLoad(options);
  const after = await readCpuTicks(app.pid);
  assertClean(load, `${label} fixed rate ${config.rate} req/s`, app);
  const cpuSeconds = cpuSecondsBetween(before, after, host);
  return {
    rate: config.rate,
    connections: RATE_CONNECTIONS,
    durationSeconds: config.rateDurationSeconds,
    load,
    cpuTicks: before === undefined || after === undefined ? undefined : after - before,
    cpuSeconds,
    cpuUsPerReq: cpuSeconds === undefined ? undefined : (cpuSeconds * 1e6) / load.responses2xx,
  };
}

/** Idle RSS, warm-up, the saturating run with RSS sampling, then the fixed-rate phase. */
async function loadApp(
  app: RunningApp,
  url: string,
  config: BenchConfig,
  host: BenchHost,
  label: string,
): Promise<LoadedRun> {
  await sleep(IDLE_SETTLE_MS);
  const idleRssBytes = await readRssBytes(app.pid);
  if (config.warmupSeconds > 0) {
    const warmup = await runLoad({ url, connections: config.connections, durationSeconds: config.warmupSeconds });
    assertClean(warmup, `${label} warm-up`, app);
  }
  const saturating = await saturatingRun(app, url, config, host, label);
  await sleep(RATE_SETTLE_MS);
  const fixedRate = await fixedRatePhase(app, url, config, host, label);
  return { idleRssBytes, ...saturating, fixedRate };
}

interface Slot {
  readonly round: number;
  readonly endpoint: Endpoint;
  readonly variant: VariantName;
  readonly position: number;
}

/** Children's stderr, per variant: each distinct text once. */
const childStderr = new Map<VariantName, Set<string>>();

function keepStderr(variant: VariantName, text: string): void {
  if (text.trim() === '') return;
  const seen = childStderr.get(variant) ?? new Set<string>();
  // Node prefixes warnings with the pid; without it, the same warning from every child is one text
  seen.add(text.replace(/\(node:\d+\)/g, '(node:PID)').trim());
  childStderr.set(variant, seen);
}

async function measure(slot: Slot, config: BenchConfig, host: BenchHost, sink: Sink): Promise<Measurement> {
  const label = `round ${slot.round + 1} ${slot.endpoint.name} ${slot.variant}`;
  const before = sink.stats();
  const startedAt = performance.now();
  const appCpu = host.pinning.pinned ? host.pinning.appCpu : undefined;
  const app = await startApp({ ...variantLaunch(slot.variant, sink.port, appCpu), label });
  const startupMs = Math.round(performance.now() - startedAt);
  let run: LoadedRun;
  let exitCode: number | null;
  try {
    run = await loadApp(app, `http://127.0.0.1:${app.port}${slot.endpoint.path}`, config, host, label);
  } finally {
    exitCode = await app.stop();
    keepStderr(slot.variant, app.stderr());
  }
  return {
    round: slot.round,
    endpoint: slot.endpoint.name,
    variant: slot.variant,
    position: slot.position,
    startupMs,
    exitCode,
    ...run,
    sink: sinkDelta(before, sink.stats()),
  };
}

const percent = (share: number | undefined) => (share === undefined ? 'n/a' : `${Math.round(share * 100)}%`);

function progressLine(m: Measurement): string {
  const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : (bytes / 2 ** 20).toFixed(1));
  const rate = m.fixedRate;
  return (
    `[round ${m.round + 1}] ${m.endpoint.padEnd(9)} ${m.variant.padEnd(17)} ` +
    `${Math.round(m.load.reqPerSec).toString().padStart(6)} req/s  p50 ${m.load.p50Ms.toFixed(2)} ms  ` +
    `p99 ${m.load.p99Ms.toFixed(2)} ms  cpu app ${percent(m.appCpuShare)} driver ${percent(m.driverCpuShare)}  ` +
    `peak RSS ${mb(m.peakRssBytes)} MB  idle ${mb(m.idleRssBytes)} MB  start ${m.startupMs} ms  ` +
    `@${rate.rate}/s: ${Math.round(rate.load.reqPerSec)} req/s  ` +
    `${rate.cpuUsPerReq === undefined ? 'n/a' : rate.cpuUsPerReq.toFixed(1)} µs/req  ` +
    `p99 ${rate.load.p99Ms.toFixed(2)} ms  traces ${m.sink['/v1/traces'].requests}  logs ${m.sink['/v1/logs'].requests}`
  );
}

async function runAll(config: BenchConfig, host: BenchHost, sink: Sink): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (let round = 0; round < config.rounds; round++) {
    for (const endpoint of ENDPOINTS) {
      for (const [position, variant] of rotatedVariants(config.variants, round).entries()) {
        const measurement = await measure({ round, endpoint, variant, position }, config, host, sink);
        measurements.push(measurement);
        process.stderr.write(`${progressLine(measurement)}\n`);
        await sleep(GAP_MS);
      }
    }
  }
  return measurements;
}

function orderText(variants: readonly VariantName[]): string {
  const shown = Math.min(variants.length, 3);
  const orders = Array.from({ length: shown }, (_, round) => rotatedVariants(variants, round).join('/'));
  return `per round and endpoint, variants rotated: ${orders.join(', then ')}, ...`;
}

function runInfo(config: BenchConfig, host: BenchHost): RunInfo {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: host.cpus,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    rounds: config.rounds,
    durationSeconds: config.durationSeconds,
    warmupSeconds: config.warmupSeconds,
    connections: config.connections,
    variants: config.variants,
    ablation: config.ablation,
    pinning: host.pinning.description,
    fixedRate: {
      rate: config.rate,
      connections: RATE_CONNECTIONS,
      durationSeconds: config.rateDurationSeconds,
      clockTicksPerSecond: host.ticksPerSecond,
      clockTicksSource: host.ticksSource,
    },
    processMode: 'a fresh child process per measurement (round x endpoint x variant), NODE_ENV=production',
    order: orderText(config.variants),
    urls: Object.fromEntries(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint.path])),
  };
}

const describe = (m: Measurement) => `round ${m.round + 1} ${m.endpoint} ${m.variant}`;

/** Notes on the fixed-rate phase: shortfalls against the requested rate, and how bursty arrivals were. */
function fixedRateNotes(measurements: readonly Measurement[], config: BenchConfig): string[] {
  const notes: string[] = [];
  const short = measurements.filter((m) => m.fixedRate.load.reqPerSec < config.rate * RATE_SHORTFALL);
  if (short.length > 0) {
    notes.push(
      `fixed-rate phase below ${Math.round(RATE_SHORTFALL * 100)}% of ${config.rate} req/s (the app could not keep up, ` +
        `so its CPU µs/req and p99 are at saturation): ` +
        short.map((m) => `${describe(m)} ${Math.round(m.fixedRate.load.reqPerSec)} req/s`).join('; '),
    );
  }
  const shares = measurements
    .map((m) => m.fixedRate.load.activeSlotShare)
    .filter((share): share is number => share !== undefined && !Number.isNaN(share));
  if (shares.length > 0) {
    const typical = median(shares);
    const spread =
      `fixed-rate arrivals: responses arrived in ${percent(typical)} (median; range ` +
      `${percent(Math.min(...shares))}-${percent(Math.max(...shares))}) of the 10 ms slots of each phase`;
    notes.push(
      typical >= BURSTY_BELOW
        ? `${spread}.`
        : `${spread}: autocannon's overallRate lets each connection send its share of every second's requests ` +
            `back to back, then idle until the next second. So the @${config.rate}/s p99 is the latency within ` +
            'those bursts, not under evenly spaced arrivals (CPU µs/req counts all work either way, though bursts ' +
            'may batch work more than evenly spaced requests would).',
    );
  }
  return notes;
}

function driverNotes(measurements: readonly Measurement[], host: BenchHost): string[] {
  if (!host.pinning.pinned) return [];
  const busy = measurements.filter((m) => m.driverCpuShare >= DRIVER_BUSY);
  if (busy.length === 0) return [];
  return [
    `the load generator (CPU ${host.pinning.driverCpu}) was at least ${Math.round(DRIVER_BUSY * 100)}% busy during ` +
      `these saturating runs, so their req/s may be limited by the load generator rather than the app: ` +
      busy.map((m) => `${describe(m)} driver ${percent(m.driverCpuShare)}, app ${percent(m.appCpuShare)}`).join('; '),
  ];
}

function runNotes(measurements: readonly Measurement[], config: BenchConfig, host: BenchHost): string[] {
  const notes: string[] = [];
  if (config.quick) notes.push('BENCH_QUICK=1: smoke-test settings, not for comparing numbers.');
  notes.push(...fixedRateNotes(measurements, config), ...driverNotes(measurements, host));
  const unclean = measurements.filter((m) => m.exitCode !== 0);
  for (const m of unclean) {
    notes.push(`${describe(m)}: exit code ${m.exitCode ?? 'none (killed)'} after SIGTERM`);
  }
  for (const [variant, texts] of childStderr) {
    const shown = [...texts].slice(0, MAX_STDERR_TEXTS).map((text) => `\n\n\`\`\`\n${text}\n\`\`\``);
    notes.push(`${variant} children wrote to stderr (${texts.size} distinct text(s)):${shown.join('')}`);
  }
  return notes;
}

function writeOutputs(markdown: string, json: unknown): void {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  writeFileSync(path.join(OUTPUT_DIR, 'overhead.md'), markdown);
  writeFileSync(path.join(OUTPUT_DIR, 'overhead.json'), `${JSON.stringify(json, null, 2)}\n`);
}

function buildReport(config: BenchConfig, host: BenchHost, measurements: readonly Measurement[]): ReportInput {
  const endpoints = ENDPOINTS.map((endpoint) => endpoint.name);
  const summaries = summarise(endpoints, config.variants, measurements);
  const sink = sinkRows(endpoints, config.variants, measurements);
  return {
    info: runInfo(config, host),
    summaries,
    sink,
    targets: checkTargets(summaries, config.rate),
    warnings: sinkWarnings(sink),
    notes: runNotes(measurements, config, host),
  };
}

function reportFailure(error: unknown): void {
  process.stderr.write(`\nBENCHMARK FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof BenchFailure) {
    process.stderr.write(`--- child stderr ---\n${error.stderr.trim() || '(empty)'}\n--- end of child stderr ---\n`);
  } else if (error instanceof Error && error.stack !== undefined) {
    process.stderr.write(`${error.stack}\n`);
  }
}

function installCleanup(): void {
  process.on('exit', killAllApps);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAllApps();
      process.exit(130);
    });
  }
}

async function main(): Promise<number> {
  installCleanup();
  const config = readConfig();
  // counted before pinning, which leaves the driver itself one CPU
  const cpus = os.availableParallelism();
  // pin before the sink and autocannon create anything, so every driver thread is on the driver's CPU
  const pinning = setUpPinning();
  const ticks = clockTicksPerSecond();
  const host: BenchHost = { cpus, pinning, ticksPerSecond: ticks.ticksPerSecond, ticksSource: ticks.source };
  const sink = await startSink();
  try {
    process.stderr.write(
      `overhead: ${config.rounds} round(s) x ${ENDPOINTS.length} endpoints x ${config.variants.length} variants, ` +
        `${config.warmupSeconds} s warm-up + ${config.durationSeconds} s saturating + ` +
        `${config.rateDurationSeconds} s at ${config.rate} req/s each; ${pinning.description}; ` +
        `OTLP sink on 127.0.0.1:${sink.port}\n`,
    );
    const measurements = await runAll(config, host, sink);
    const report = buildReport(config, host, measurements);
    const markdown = renderMarkdown(report);
    const stderrByVariant = Object.fromEntries([...childStderr].map(([variant, texts]) => [variant, [...texts]]));
    writeOutputs(markdown, { ...report, config, measurements, childStderr: stderrByVariant });
    process.stdout.write(`\n${markdown}\nwritten: ${path.relative(process.cwd(), OUTPUT_DIR)}/overhead.{md,json}\n`);
    return 0;
  } catch (error) {
    reportFailure(error);
    return 1;
  } finally {
    killAllApps();
    await sink.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    reportFailure(error);
    process.exit(1);
  },
);
