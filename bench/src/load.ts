/**
 * Load generation for the overhead benchmark (used by `node bench/dist/overhead.js`): one autocannon
 * run against a URL, returning throughput and latency percentiles. Latencies are taken from
 * autocannon's per-response timings (sub-millisecond), because its own latency histogram only
 * resolves whole milliseconds — too coarse for a "p99 within 1 ms" comparison.
 *
 * A run is either saturating (every connection sends its next request as soon as the previous one is
 * answered) or rate-limited with autocannon's `overallRate`. autocannon limits the rate per
 * connection and per second: each connection sends its share of the second's quota back to back,
 * then waits for the next second. For rate-limited runs the result therefore also says how evenly
 * the responses were spread (`activeSlotShare`).
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Requests per second over all connections (autocannon `overallRate`); unset = saturating. */
  readonly overallRate?: number;
}

/** Width of the time slots for `activeSlotShare`. */
export const SLOT_MS = 10;

export interface LoadResult {
  /** Completed 2xx responses per second of run time. */
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** autocannon's own (whole-millisecond) percentiles, kept for reference. */
  readonly autocannonP50Ms: number;
  readonly autocannonP99Ms: number;
  readonly responses2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly durationSeconds: number;
  /**
   * Rate-limited runs only: the share of 10 ms slots, between the first and the last response, in
   * which at least one response arrived — close to 1 when arrivals are evenly spread, about
   * rate / saturated throughput when each second's requests come as one burst.
   */
  readonly activeSlotShare?: number;
}

/** A growable list of float samples without per-sample allocation. */
class Samples {
  private values = new Float64Array(1 << 16);
  private size = 0;
  push(value: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = value;
  }
  sorted(): Float64Array {
    return this.values.slice(0, this.size).sort();
  }
}

/** Nearest-rank percentile of sorted values; NaN for an empty list. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

function runAutocannon(options: LoadOptions, onLatency: (ms: number) => void): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        pipelining: 1,
        ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
      },
      (error: unknown, result) => {
        if (error === null || error === undefined) resolve(result);
        else reject(error instanceof Error ? error : new Error(`autocannon failed: ${JSON.stringify(error)}`));
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) onLatency(responseTime);
    });
  });
}

/** Share of SLOT_MS slots from the first to the last arrival time that hold at least one arrival. */
function activeSlotShare(arrivalsMs: Float64Array): number {
  const first = arrivalsMs[0];
  const last = arrivalsMs[arrivalsMs.length - 1];
  if (first === undefined || last === undefined) return Number.NaN;
  const active = new Set<number>();
  for (const at of arrivalsMs) active.add(Math.floor((at - first) / SLOT_MS));
  return active.size / (Math.floor((last - first) / SLOT_MS) + 1);
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const samples = new Samples();
  // arrival times only for rate-limited runs: saturating runs keep the load generator's work minimal
  const arrivals = options.overallRate === undefined ? undefined : new Samples();
  const result = await runAutocannon(options, (ms) => {
    samples.push(ms);
    arrivals?.push(performance.now());
  });
  const sorted = samples.sorted();
  return {
    ...(arrivals === undefined ? {} : { activeSlotShare: activeSlotShare(arrivals.sorted()) }),
    reqPerSec: result.duration > 0 ? result['2xx'] / result.duration : 0,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    autocannonP50Ms: result.latency.p50,
    autocannonP99Ms: result.latency.p99,
    responses2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
  };
}
