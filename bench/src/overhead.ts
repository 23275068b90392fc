/**
 * The telemetry overhead benchmark. Run from the repository root after `npx tsc -b`:
 *
 *   node bench/dist/overhead.js                 # rounds=3, 5 s measurements, 2 s warm-up, 16 connections
 *   BENCH_QUICK=1 node bench/dist/overhead.js   # smoke test: 1 round, 2 s measurements, 1 s warm-up
 *
 * It starts the bench app (bench/dist/app.js) three ways — `none` (no telemetry), `zero-code`
 * (OpenTelemetry's auto-instrumentations preload) and `kit` (the @kit/telemetry preload) — with both
 * telemetry variants exporting to an in-process OTLP sink, and loads each with autocannon, interleaved
 * and in rotated order. Every measurement uses a fresh child process. Results are printed as markdown
 * and written to .bench/overhead.md and .bench/overhead.json. Overrides: BENCH_ROUNDS, BENCH_DURATION
 * and BENCH_WARMUP (seconds), BENCH_CONNECTIONS.
 *
 * Exit code 1 only when the benchmark itself broke (a child did not start, errors or non-2xx
 * responses under load); missed overhead targets are reported, not failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchFailure, killAllApps, readRssBytes, sampleRss, startApp, type AppLaunch, type RunningApp } from './app-process';
import { runLoad, type LoadResult } from './load';
import { OTLP_PATHS, startSink, type Sink, type SinkStats } from './otlp-sink';
import {
  VARIANTS,
  checkTargets,
  renderMarkdown,
  sinkRows,
  sinkWarnings,
  summarise,
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
  return {
    quick,
    rounds: envNumber('BENCH_ROUNDS', quick ? 1 : 3, 1, true),
    durationSeconds: envNumber('BENCH_DURATION', quick ? 2 : 5, 1, true),
    warmupSeconds: envNumber('BENCH_WARMUP', quick ? 1 : 2, 0, true),
    connections: envNumber('BENCH_CONNECTIONS', 16, 1, true),
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

function variantLaunch(variant: VariantName, sinkPort: number): AppLaunch {
  const common = { script: APP_SCRIPT, cwd: REPO_ROOT, startTimeoutMs: START_TIMEOUT_MS, label: variant };
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
      return {
        ...common,
        nodeArgs: ['--require', '@kit/telemetry/register'],
        env: { ...baseEnv(), ...otlp, OTEL_TRACES_SAMPLER: 'parentbased_always_on' },
      };
  }
}

/** Round r runs the variants rotated by r: A/B/C, then B/C/A, then C/A/B, ... */
function rotatedVariants(round: number): VariantName[] {
  const shift = round % VARIANTS.length;
  return [...VARIANTS.slice(shift), ...VARIANTS.slice(0, shift)];
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
}

/** Idle RSS, warm-up, then the measured run with RSS sampling. */
async function loadApp(app: RunningApp, url: string, config: BenchConfig, label: string): Promise<LoadedRun> {
  await sleep(IDLE_SETTLE_MS);
  const idleRssBytes = await readRssBytes(app.pid);
  const common = { url, connections: config.connections };
  if (config.warmupSeconds > 0) {
    assertClean(await runLoad({ ...common, durationSeconds: config.warmupSeconds }), `${label} warm-up`, app);
  }
  const sampler = sampleRss(app.pid, RSS_INTERVAL_MS);
  let load: LoadResult;
  let peakRssBytes: number | undefined;
  try {
    load = await runLoad({ ...common, durationSeconds: config.durationSeconds });
  } finally {
    peakRssBytes = await sampler.stop();
  }
  assertClean(load, label, app);
  return { idleRssBytes, peakRssBytes, load };
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

async function measure(slot: Slot, config: BenchConfig, sink: Sink): Promise<Measurement> {
  const label = `round ${slot.round + 1} ${slot.endpoint.name} ${slot.variant}`;
  const before = sink.stats();
  const startedAt = performance.now();
  const app = await startApp({ ...variantLaunch(slot.variant, sink.port), label });
  const startupMs = Math.round(performance.now() - startedAt);
  let run: LoadedRun;
  let exitCode: number | null;
  try {
    run = await loadApp(app, `http://127.0.0.1:${app.port}${slot.endpoint.path}`, config, label);
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

function progressLine(m: Measurement): string {
  const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : (bytes / 2 ** 20).toFixed(1));
  return (
    `[round ${m.round + 1}] ${m.endpoint.padEnd(9)} ${m.variant.padEnd(9)} ` +
    `${Math.round(m.load.reqPerSec).toString().padStart(6)} req/s  p50 ${m.load.p50Ms.toFixed(2)} ms  ` +
    `p99 ${m.load.p99Ms.toFixed(2)} ms  peak RSS ${mb(m.peakRssBytes)} MB  idle ${mb(m.idleRssBytes)} MB  ` +
    `start ${m.startupMs} ms  traces ${m.sink['/v1/traces'].requests}  logs ${m.sink['/v1/logs'].requests}`
  );
}

async function runAll(config: BenchConfig, sink: Sink): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (let round = 0; round < config.rounds; round++) {
    for (const endpoint of ENDPOINTS) {
      for (const [position, variant] of rotatedVariants(round).entries()) {
        const measurement = await measure({ round, endpoint, variant, position }, config, sink);
        measurements.push(measurement);
        process.stderr.write(`${progressLine(measurement)}\n`);
        await sleep(GAP_MS);
      }
    }
  }
  return measurements;
}

function runInfo(config: BenchConfig): RunInfo {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    rounds: config.rounds,
    durationSeconds: config.durationSeconds,
    warmupSeconds: config.warmupSeconds,
    connections: config.connections,
    processMode: 'a fresh child process per measurement (round x endpoint x variant), NODE_ENV=production',
    order: 'per round and endpoint, variants rotated: none/zero-code/kit, then zero-code/kit/none, then kit/none/zero-code, ...',
    urls: Object.fromEntries(ENDPOINTS.map((endpoint) => [endpoint.name, endpoint.path])),
  };
}

function runNotes(measurements: readonly Measurement[], quick: boolean): string[] {
  const notes: string[] = [];
  if (quick) notes.push('BENCH_QUICK=1: smoke-test settings, not for comparing numbers.');
  const unclean = measurements.filter((m) => m.exitCode !== 0);
  for (const m of unclean) {
    notes.push(`round ${m.round + 1} ${m.endpoint} ${m.variant}: exit code ${m.exitCode ?? 'none (killed)'} after SIGTERM`);
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

function buildReport(config: BenchConfig, measurements: readonly Measurement[]): ReportInput {
  const endpoints = ENDPOINTS.map((endpoint) => endpoint.name);
  const summaries = summarise(endpoints, measurements);
  const sink = sinkRows(endpoints, measurements);
  return {
    info: runInfo(config),
    summaries,
    sink,
    targets: checkTargets(summaries),
    warnings: sinkWarnings(sink),
    notes: runNotes(measurements, config.quick),
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
  const sink = await startSink();
  try {
    process.stderr.write(
      `overhead: ${config.rounds} round(s) x ${ENDPOINTS.length} endpoints x ${VARIANTS.length} variants, ` +
        `${config.warmupSeconds} s warm-up + ${config.durationSeconds} s each; OTLP sink on 127.0.0.1:${sink.port}\n`,
    );
    const measurements = await runAll(config, sink);
    const report = buildReport(config, measurements);
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
