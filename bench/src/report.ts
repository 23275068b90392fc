/**
 * Reporting for the overhead benchmark (used by `node bench/dist/overhead.js`): folds the raw
 * measurements into per-endpoint, per-variant summaries, checks the overhead targets against them,
 * and renders everything as markdown (the console output and `.bench/overhead.md`).
 */
import type { LoadResult } from './load';
import { OTLP_PATHS, type SinkStats } from './otlp-sink';

export const VARIANTS = ['none', 'zero-code', 'kit'] as const;
export type VariantName = (typeof VARIANTS)[number];
export const TELEMETRY_VARIANTS: readonly VariantName[] = ['zero-code', 'kit'];

export interface Measurement {
  readonly round: number;
  readonly endpoint: string;
  readonly variant: VariantName;
  /** 0-based place of this variant in the round's order for this endpoint. */
  readonly position: number;
  readonly startupMs: number;
  readonly idleRssBytes: number | undefined;
  readonly peakRssBytes: number | undefined;
  readonly load: LoadResult;
  /** What the sink received while this child ran. */
  readonly sink: SinkStats;
  /** The child's exit code after SIGTERM (null when it had to be killed). */
  readonly exitCode: number | null;
}

export interface VariantSummary {
  readonly variant: VariantName;
  readonly rounds: number;
  readonly reqPerSec: number;
  readonly ratioToNone: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Highest RSS seen under load, over all rounds. */
  readonly peakRssMb: number | undefined;
  /** Median of the rounds' idle RSS. */
  readonly idleRssMb: number | undefined;
}

export interface EndpointSummary {
  readonly endpoint: string;
  readonly variants: readonly VariantSummary[];
}

/** Targets are judged on the unrounded medians; the tables round them for display. */
export interface TargetCheck {
  readonly description: string;
  readonly value: string;
  /** undefined when the table lacks a value to judge by. */
  readonly met: boolean | undefined;
}

export interface RunInfo {
  readonly date: string;
  readonly node: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly platform: string;
  readonly rounds: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly processMode: string;
  readonly order: string;
  readonly urls: Readonly<Record<string, string>>;
}

const MB = 1024 * 1024;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

function defined(values: readonly (number | undefined)[]): number[] {
  return values.filter((value): value is number => value !== undefined);
}

function summariseVariant(variant: VariantName, runs: readonly Measurement[], noneReqPerSec: number): VariantSummary {
  const reqPerSec = median(runs.map((run) => run.load.reqPerSec));
  const peaks = defined(runs.map((run) => run.peakRssBytes));
  const idles = defined(runs.map((run) => run.idleRssBytes));
  return {
    variant,
    rounds: runs.length,
    reqPerSec,
    ratioToNone: reqPerSec / noneReqPerSec,
    p50Ms: median(runs.map((run) => run.load.p50Ms)),
    p99Ms: median(runs.map((run) => run.load.p99Ms)),
    peakRssMb: peaks.length === 0 ? undefined : Math.max(...peaks) / MB,
    idleRssMb: idles.length === 0 ? undefined : median(idles) / MB,
  };
}

export function summarise(endpoints: readonly string[], measurements: readonly Measurement[]): EndpointSummary[] {
  return endpoints.map((endpoint) => {
    const runsOf = (variant: VariantName) =>
      measurements.filter((run) => run.endpoint === endpoint && run.variant === variant);
    const noneReqPerSec = median(runsOf('none').map((run) => run.load.reqPerSec));
    return {
      endpoint,
      variants: VARIANTS.map((variant) => summariseVariant(variant, runsOf(variant), noneReqPerSec)),
    };
  });
}

const fmt = (value: number | undefined, digits: number) =>
  value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);

function find(summaries: readonly EndpointSummary[], endpoint: string, variant: VariantName) {
  return summaries.find((summary) => summary.endpoint === endpoint)?.variants.find((row) => row.variant === variant);
}

function ratioTarget(summaries: readonly EndpointSummary[], endpoint: string, minimum: number): TargetCheck {
  const ratio = find(summaries, endpoint, 'kit')?.ratioToNone;
  return {
    description: `kit req/s ratio to none on ${endpoint} >= ${minimum.toFixed(2)}`,
    value: ratio === undefined || Number.isNaN(ratio) ? 'n/a' : ratio.toFixed(3),
    met: ratio === undefined || Number.isNaN(ratio) ? undefined : ratio >= minimum,
  };
}

function p99Target(summaries: readonly EndpointSummary[], endpoint: string, maxDeltaMs: number): TargetCheck {
  const kit = find(summaries, endpoint, 'kit')?.p99Ms;
  const none = find(summaries, endpoint, 'none')?.p99Ms;
  const delta = kit === undefined || none === undefined ? Number.NaN : kit - none;
  return {
    description: `kit p99 - none p99 on ${endpoint} <= ${maxDeltaMs} ms`,
    value: Number.isNaN(delta)
      ? 'n/a'
      : `${delta >= 0 ? '+' : ''}${delta.toFixed(2)} ms (${fmt(kit, 2)} vs ${fmt(none, 2)})`,
    met: Number.isNaN(delta) ? undefined : delta <= maxDeltaMs,
  };
}

function rssTarget(summaries: readonly EndpointSummary[], endpoint: string, maxFactor: number): TargetCheck {
  const kit = find(summaries, endpoint, 'kit')?.peakRssMb;
  const none = find(summaries, endpoint, 'none')?.peakRssMb;
  const factor = kit === undefined || none === undefined ? Number.NaN : kit / none;
  return {
    description: `kit peak RSS on ${endpoint} <= ${maxFactor}x none's`,
    value: Number.isNaN(factor) ? 'n/a' : `${factor.toFixed(2)}x (${fmt(kit, 1)} MB vs ${fmt(none, 1)} MB)`,
    met: Number.isNaN(factor) ? undefined : factor <= maxFactor,
  };
}

export function checkTargets(summaries: readonly EndpointSummary[]): TargetCheck[] {
  const endpoints = summaries.map((summary) => summary.endpoint);
  return [
    ratioTarget(summaries, '/products', 0.8),
    ratioTarget(summaries, '/hello', 0.5),
    ...endpoints.map((endpoint) => p99Target(summaries, endpoint, 1)),
    ...endpoints.map((endpoint) => rssTarget(summaries, endpoint, 1.5)),
  ];
}

export interface SinkRow {
  readonly variant: VariantName;
  readonly endpoint: string;
  readonly stats: SinkStats;
}

/** Adds up what the sink received, per variant and endpoint. */
export function sinkRows(endpoints: readonly string[], measurements: readonly Measurement[]): SinkRow[] {
  return VARIANTS.flatMap((variant) =>
    endpoints.map((endpoint) => {
      const stats = emptySinkStats();
      for (const run of measurements.filter((m) => m.variant === variant && m.endpoint === endpoint)) {
        for (const path of OTLP_PATHS) {
          stats[path] = {
            requests: stats[path].requests + run.sink[path].requests,
            bytes: stats[path].bytes + run.sink[path].bytes,
          };
        }
      }
      return { variant, endpoint, stats };
    }),
  );
}

export function emptySinkStats(): SinkStats {
  return Object.fromEntries(OTLP_PATHS.map((path) => [path, { requests: 0, bytes: 0 }])) as SinkStats;
}

/** Loud warnings when a telemetry variant exported no traces or logs, or `none` exported anything. */
export function sinkWarnings(rows: readonly SinkRow[]): string[] {
  const warnings: string[] = [];
  for (const variant of VARIANTS) {
    const mine = rows.filter((row) => row.variant === variant);
    const total = (path: (typeof OTLP_PATHS)[number]) => mine.reduce((sum, row) => sum + row.stats[path].requests, 0);
    if (TELEMETRY_VARIANTS.includes(variant)) {
      if (total('/v1/traces') === 0) warnings.push(`WARNING: ${variant} delivered ZERO trace requests to the sink`);
      if (total('/v1/logs') === 0) warnings.push(`WARNING: ${variant} delivered ZERO log requests to the sink`);
    } else if (OTLP_PATHS.some((path) => total(path) > 0)) {
      warnings.push(`WARNING: ${variant} sent OTLP requests although it runs without telemetry`);
    }
  }
  return warnings;
}

function endpointTable(summary: EndpointSummary, url: string | undefined): string[] {
  return [
    `## GET ${summary.endpoint}${url === undefined ? '' : ` (\`${url}\`)`}`,
    '',
    '| variant | req/s | ratio to none | p50 ms | p99 ms | peak RSS MB under load | idle RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...summary.variants.map(
      (row) =>
        `| ${row.variant} | ${fmt(row.reqPerSec, 0)} | ${fmt(row.ratioToNone, 3)} | ${fmt(row.p50Ms, 2)} | ` +
        `${fmt(row.p99Ms, 2)} | ${fmt(row.peakRssMb, 1)} | ${fmt(row.idleRssMb, 1)} |`,
    ),
    '',
  ];
}

function sinkTable(rows: readonly SinkRow[]): string[] {
  const kib = (bytes: number) => (bytes / 1024).toFixed(0);
  return [
    '## OTLP received by the sink (all rounds, warm-up included)',
    '',
    '| variant | endpoint | trace requests | trace KiB | log requests | log KiB | metric requests |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      ({ variant, endpoint, stats }) =>
        `| ${variant} | ${endpoint} | ${stats['/v1/traces'].requests} | ${kib(stats['/v1/traces'].bytes)} | ` +
        `${stats['/v1/logs'].requests} | ${kib(stats['/v1/logs'].bytes)} | ${stats['/v1/metrics'].requests} |`,
    ),
    '',
  ];
}

function targetLines(targets: readonly TargetCheck[]): string[] {
  const verdict = (met: boolean | undefined) => (met === undefined ? 'n/a   ' : met ? 'met   ' : 'MISSED');
  return [
    '## Targets (read from the tables above, judged on the unrounded medians)',
    '',
    ...targets.map((target) => `- ${verdict(target.met)} ${target.description}: ${target.value}`),
    '',
  ];
}

function headerLines(info: RunInfo): string[] {
  return [
    '# Telemetry overhead benchmark',
    '',
    `- date: ${info.date}`,
    `- node: ${info.node} on ${info.platform}, ${info.cpus} CPUs (${info.cpuModel})`,
    `- rounds: ${info.rounds}, measurement: ${info.durationSeconds} s, warm-up: ${info.warmupSeconds} s, ` +
      `connections: ${info.connections} (autocannon, in the driver process)`,
    `- processes: ${info.processMode}`,
    `- order: ${info.order}`,
    '',
  ];
}

export interface ReportInput {
  readonly info: RunInfo;
  readonly summaries: readonly EndpointSummary[];
  readonly sink: readonly SinkRow[];
  readonly targets: readonly TargetCheck[];
  readonly warnings: readonly string[];
  readonly notes: readonly string[];
}

export function renderMarkdown(report: ReportInput): string {
  const lines = [
    ...headerLines(report.info),
    ...report.summaries.flatMap((summary) => endpointTable(summary, report.info.urls[summary.endpoint])),
    'req/s, p50, p99 and idle RSS: median of rounds; peak RSS: highest /proc VmRSS sample (every 200 ms) ' +
      'over all rounds\' measurements; MB = 2^20 bytes; ratio = kit or zero-code median req/s / none median req/s.',
    '',
    ...sinkTable(report.sink),
    ...report.warnings,
    ...(report.warnings.length > 0 ? [''] : []),
    ...targetLines(report.targets),
    ...(report.notes.length > 0 ? ['## Notes', '', ...report.notes.map((note) => `- ${note}`), ''] : []),
  ];
  return `${lines.join('\n')}\n`;
}
