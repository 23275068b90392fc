/**
 * Reporting for the overhead benchmark (used by `node bench/dist/overhead.js`): the variants and what
 * each is meant to export, folding the raw measurements (saturating run plus fixed-rate phase) into
 * per-endpoint, per-variant summaries, checking the overhead targets (judged on `kit` only) against
 * them, warning when the sink saw a variant export less or more than it should, and rendering
 * everything as markdown (the console output and `.bench/overhead.md`).
 */
import type { LoadResult } from './load';
import { OTLP_PATHS, type OtlpPath, type SinkStats } from './otlp-sink';

/** Always run. */
export const BASE_VARIANTS = ['none', 'zero-code', 'kit'] as const;
/** Run with BENCH_ABLATION=1: the kit with one or both OTLP exporters switched off. */
export const ABLATION_VARIANTS = ['kit: traces only', 'kit: logs only', 'kit: metrics only'] as const;
export type VariantName = (typeof BASE_VARIANTS)[number] | (typeof ABLATION_VARIANTS)[number];

export interface ExpectedExports {
  readonly traces: boolean;
  readonly logs: boolean;
}

/**
 * What each variant is meant to send to the sink. The kit variants get `OTEL_TRACES_EXPORTER=none`
 * or `OTEL_LOGS_EXPORTER=none` from this table. No variant pushes metrics over OTLP: zero-code runs
 * with OTEL_METRICS_EXPORTER=none and the kit serves its metrics on /metrics (prom-client).
 */
export const EXPECTED_EXPORTS: Readonly<Record<VariantName, ExpectedExports>> = {
  none: { traces: false, logs: false },
  'zero-code': { traces: true, logs: true },
  kit: { traces: true, logs: true },
  'kit: traces only': { traces: true, logs: false },
  'kit: logs only': { traces: false, logs: true },
  'kit: metrics only': { traces: false, logs: false },
};

/** The fixed-rate phase that follows the saturating run in the same child. */
export interface FixedRateRun {
  /** Requested rate over all connections (autocannon overallRate), req/s. */
  readonly rate: number;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly load: LoadResult;
  /** The app's utime + stime over the phase, in clock ticks (undefined without /proc). */
  readonly cpuTicks: number | undefined;
  readonly cpuSeconds: number | undefined;
  /** cpuSeconds / completed (2xx) requests, in microseconds. */
  readonly cpuUsPerReq: number | undefined;
}

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
  /** The app's CPU time during the saturating run as a share of one CPU (undefined without /proc). */
  readonly appCpuShare: number | undefined;
  /** The driver's (autocannon + sink) CPU time during the saturating run as a share of one CPU. */
  readonly driverCpuShare: number;
  readonly fixedRate: FixedRateRun;
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
  /** Fixed-rate phase, medians of rounds: achieved req/s, CPU µs per request, latencies. */
  readonly rateReqPerSec: number;
  readonly cpuUsPerReq: number | undefined;
  /** cpuUsPerReq / none's cpuUsPerReq. */
  readonly cpuRatioToNone: number | undefined;
  readonly rateP50Ms: number;
  readonly rateP99Ms: number;
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
  /** Shown for information only; not one of the kit's overhead targets. */
  readonly informational: boolean;
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
  readonly variants: readonly VariantName[];
  readonly ablation: boolean;
  /** How driver and apps were pinned to CPUs, or why they were not. */
  readonly pinning: string;
  readonly fixedRate: {
    readonly rate: number;
    readonly connections: number;
    readonly durationSeconds: number;
    readonly clockTicksPerSecond: number;
    readonly clockTicksSource: string;
  };
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

/** Median of the defined values; undefined when there are none. */
function medianOfDefined(values: readonly (number | undefined)[]): number | undefined {
  const known = defined(values);
  return known.length === 0 ? undefined : median(known);
}

interface NoneBaseline {
  readonly reqPerSec: number;
  readonly cpuUsPerReq: number | undefined;
}

function summariseVariant(variant: VariantName, runs: readonly Measurement[], none: NoneBaseline): VariantSummary {
  const reqPerSec = median(runs.map((run) => run.load.reqPerSec));
  const peaks = defined(runs.map((run) => run.peakRssBytes));
  const idles = defined(runs.map((run) => run.idleRssBytes));
  const cpuUsPerReq = medianOfDefined(runs.map((run) => run.fixedRate.cpuUsPerReq));
  return {
    variant,
    rounds: runs.length,
    reqPerSec,
    ratioToNone: reqPerSec / none.reqPerSec,
    p50Ms: median(runs.map((run) => run.load.p50Ms)),
    p99Ms: median(runs.map((run) => run.load.p99Ms)),
    peakRssMb: peaks.length === 0 ? undefined : Math.max(...peaks) / MB,
    idleRssMb: idles.length === 0 ? undefined : median(idles) / MB,
    rateReqPerSec: median(runs.map((run) => run.fixedRate.load.reqPerSec)),
    cpuUsPerReq,
    cpuRatioToNone:
      cpuUsPerReq === undefined || none.cpuUsPerReq === undefined ? undefined : cpuUsPerReq / none.cpuUsPerReq,
    rateP50Ms: median(runs.map((run) => run.fixedRate.load.p50Ms)),
    rateP99Ms: median(runs.map((run) => run.fixedRate.load.p99Ms)),
  };
}

export function summarise(
  endpoints: readonly string[],
  variants: readonly VariantName[],
  measurements: readonly Measurement[],
): EndpointSummary[] {
  return endpoints.map((endpoint) => {
    const runsOf = (variant: VariantName) =>
      measurements.filter((run) => run.endpoint === endpoint && run.variant === variant);
    const noneRuns = runsOf('none');
    const none = {
      reqPerSec: median(noneRuns.map((run) => run.load.reqPerSec)),
      cpuUsPerReq: medianOfDefined(noneRuns.map((run) => run.fixedRate.cpuUsPerReq)),
    };
    return {
      endpoint,
      variants: variants.map((variant) => summariseVariant(variant, runsOf(variant), none)),
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
    informational: false,
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
    informational: false,
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
    informational: false,
  };
}

function cpuCheck(summaries: readonly EndpointSummary[], endpoint: string, maxFactor: number, rate: number): TargetCheck {
  const kit = find(summaries, endpoint, 'kit');
  const none = find(summaries, endpoint, 'none');
  const factor = kit?.cpuRatioToNone;
  return {
    description: `kit CPU per request at the fixed rate (${rate} req/s) on ${endpoint} <= ${maxFactor}x none's`,
    value:
      factor === undefined
        ? 'n/a'
        : `${factor.toFixed(2)}x (${fmt(kit?.cpuUsPerReq, 1)} µs vs ${fmt(none?.cpuUsPerReq, 1)} µs per request)`,
    met: factor === undefined ? undefined : factor <= maxFactor,
    informational: true,
  };
}

export function checkTargets(summaries: readonly EndpointSummary[], fixedRate: number): TargetCheck[] {
  const endpoints = summaries.map((summary) => summary.endpoint);
  return [
    ratioTarget(summaries, '/products', 0.8),
    ratioTarget(summaries, '/hello', 0.5),
    ...endpoints.map((endpoint) => p99Target(summaries, endpoint, 1)),
    ...endpoints.map((endpoint) => rssTarget(summaries, endpoint, 1.5)),
    ...endpoints.map((endpoint) => cpuCheck(summaries, endpoint, 1.25, fixedRate)),
  ];
}

export interface SinkRow {
  readonly variant: VariantName;
  readonly endpoint: string;
  readonly stats: SinkStats;
}

/** Adds up what the sink received, per variant and endpoint. */
export function sinkRows(
  endpoints: readonly string[],
  variants: readonly VariantName[],
  measurements: readonly Measurement[],
): SinkRow[] {
  return variants.flatMap((variant) =>
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

/**
 * Loud warnings when a variant delivered none of a signal it is meant to export (EXPECTED_EXPORTS),
 * or some of a signal it is meant not to export; `none` must not send anything at all.
 */
export function sinkWarnings(rows: readonly SinkRow[]): string[] {
  const warnings: string[] = [];
  for (const variant of new Set(rows.map((row) => row.variant))) {
    const mine = rows.filter((row) => row.variant === variant);
    const total = (path: OtlpPath) => mine.reduce((sum, row) => sum + row.stats[path].requests, 0);
    if (variant === 'none') {
      if (OTLP_PATHS.some((path) => total(path) > 0)) {
        warnings.push(`WARNING: ${variant} sent OTLP requests although it runs without telemetry`);
      }
      continue;
    }
    const expected = EXPECTED_EXPORTS[variant];
    const signals = [
      { name: 'trace', path: '/v1/traces', expected: expected.traces },
      { name: 'log', path: '/v1/logs', expected: expected.logs },
    ] as const;
    for (const signal of signals) {
      const requests = total(signal.path);
      if (signal.expected && requests === 0) {
        warnings.push(`WARNING: ${variant} delivered ZERO ${signal.name} requests to the sink`);
      } else if (!signal.expected && requests > 0) {
        warnings.push(
          `WARNING: ${variant} delivered ${requests} ${signal.name} request(s) to the sink although its ${signal.name} exporter is off`,
        );
      }
    }
  }
  return warnings;
}

function endpointTable(summary: EndpointSummary, url: string | undefined, rate: number): string[] {
  return [
    `## GET ${summary.endpoint}${url === undefined ? '' : ` (\`${url}\`)`}`,
    '',
    '| variant | req/s | ratio to none | p50 ms | p99 ms | peak RSS MB under load | idle RSS MB | ' +
      `CPU µs/req @${rate}/s | ×none | p99 ms @${rate}/s |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...summary.variants.map(
      (row) =>
        `| ${row.variant} | ${fmt(row.reqPerSec, 0)} | ${fmt(row.ratioToNone, 3)} | ${fmt(row.p50Ms, 2)} | ` +
        `${fmt(row.p99Ms, 2)} | ${fmt(row.peakRssMb, 1)} | ${fmt(row.idleRssMb, 1)} | ` +
        `${fmt(row.cpuUsPerReq, 1)} | ${fmt(row.cpuRatioToNone, 2)} | ${fmt(row.rateP99Ms, 2)} |`,
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
    ...targets.map(
      (target) =>
        `- ${verdict(target.met)} ${target.description}: ${target.value}${target.informational ? ' [informational]' : ''}`,
    ),
    '',
  ];
}

function headerLines(info: RunInfo): string[] {
  const rate = info.fixedRate;
  return [
    '# Telemetry overhead benchmark',
    '',
    `- date: ${info.date}`,
    `- node: ${info.node} on ${info.platform}, ${info.cpus} CPUs (${info.cpuModel})`,
    `- CPU pinning: ${info.pinning}`,
    `- rounds: ${info.rounds}, measurement: ${info.durationSeconds} s, warm-up: ${info.warmupSeconds} s, ` +
      `connections: ${info.connections} (autocannon, in the driver process)`,
    `- fixed-rate phase: after each measurement, in the same child: ${rate.rate} req/s (autocannon overallRate), ` +
      `${rate.connections} connections, ${rate.durationSeconds} s; app CPU time = utime + stime from ` +
      `/proc/<pid>/stat (CLK_TCK ${rate.clockTicksPerSecond}, ${rate.clockTicksSource})`,
    `- variants: ${info.variants.join(', ')}${info.ablation ? ' (BENCH_ABLATION=1)' : ''}`,
    `- processes: ${info.processMode}`,
    `- order: ${info.order}`,
    '',
  ];
}

function legend(info: RunInfo): string[] {
  const { rate, durationSeconds, clockTicksPerSecond } = info.fixedRate;
  const tickUsPerReq = 1e6 / clockTicksPerSecond / (rate * durationSeconds);
  return [
    'req/s, p50, p99 and idle RSS: median of rounds; peak RSS: highest /proc VmRSS sample (every 200 ms) ' +
      "over all rounds' measurements; MB = 2^20 bytes; ratio = a variant's median req/s / none's median req/s.",
    '',
    `@${rate}/s columns: the fixed-rate phase, median of rounds. CPU µs/req = the app process's CPU time ` +
      `(all threads, user + system) over the phase / its completed requests; one clock tick is about ` +
      `${tickUsPerReq.toFixed(1)} µs/req at this rate and duration. ×none = CPU µs/req / none's.` +
      (info.ablation
        ? ' Ablation rows run the kit preload with OTEL_TRACES_EXPORTER=none and/or OTEL_LOGS_EXPORTER=none ' +
          '(metrics stay on /metrics in every kit row); targets are judged on `kit` only.'
        : ''),
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
    ...report.summaries.flatMap((summary) =>
      endpointTable(summary, report.info.urls[summary.endpoint], report.info.fixedRate.rate),
    ),
    ...legend(report.info),
    ...sinkTable(report.sink),
    ...report.warnings,
    ...(report.warnings.length > 0 ? [''] : []),
    ...targetLines(report.targets),
    ...(report.notes.length > 0 ? ['## Notes', '', ...report.notes.map((note) => `- ${note}`), ''] : []),
  ];
  return `${lines.join('\n')}\n`;
}
