/**
 * Open-model load for the benchmarks: a request starts every 1/rate seconds whether or not earlier
 * ones finished (how real users arrive), each one timed end to end. Shared by the checkout and the
 * architectures benchmarks.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSink } from './otlp-sink';

export interface Phase {
  readonly sent: number;
  readonly ok: number;
  /** Failed requests by status code or error name. */
  readonly errors: Record<string, number>;
  /** Milliseconds, one per answered request. */
  readonly latencies: number[];
  readonly seconds: number;
}

/**
 * Starts `send(i)` every 1/rate s for `seconds`, waits for the stragglers, and times each; an answer
 * counts as ok when `ok(status)` holds.
 */
export async function openLoad(options: { rate: number; seconds: number; send: (i: number) => Promise<Response>; ok: (status: number) => boolean }): Promise<Phase> {
  const { rate, seconds } = options;
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let sent = 0;
  let ok = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    sent += 1;
    const t0 = performance.now();
    pending.push(
      options.send(i).then(
        async (res) => {
          await res.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (options.ok(res.status)) ok += 1;
          else errors[String(res.status)] = (errors[String(res.status)] ?? 0) + 1;
        },
        (error: unknown) => {
          const name = error instanceof Error ? error.name : 'error';
          errors[name] = (errors[name] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  return { sent, ok, errors, latencies, seconds: (performance.now() - started) / 1000 };
}

/** One checkout of one unit of one of the first 50 products, through the public API at `gateway`. */
export function checkoutRequest(gateway: string): (i: number) => Promise<Response> {
  return (i) =>
    fetch(`${gateway}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${randomUUID()}` },
      body: JSON.stringify({ customerEmail: 'bench@example.com', items: [{ productId: `p-${String(1 + (i % 50)).padStart(3, '0')}`, quantity: 1 }], card: { token: 'tok_visa' } }),
      signal: AbortSignal.timeout(10_000),
    });
}

/** Checkouts at `rate` for `seconds`: 201 is ok. */
export function driveCheckouts(gateway: string, rate: number, seconds: number): Promise<Phase> {
  return openLoad({ rate, seconds, send: checkoutRequest(gateway), ok: (status) => status === 201 });
}

/** The p-th percentile (nearest rank) of ascending values; NaN when there are none. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

export const ascending = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/**
 * The benchmarks' rounds: starts the engines (scripts/engines.sh) and a local OTLP sink, then runs
 * every variant once per round, interleaved with the order rotated each round so no variant always
 * runs first, and reports each run as it ends.
 */
export async function interleavedRounds<V, R>(options: {
  readonly variants: readonly V[];
  readonly rounds: number;
  readonly run: (variant: V, sinkEndpoint: string) => Promise<R>;
  readonly report: (round: number, variant: V, run: R) => void;
}): Promise<R[]> {
  const engines = spawnSync('bash', [path.resolve(__dirname, '..', '..', 'scripts', 'engines.sh')], { stdio: 'inherit' });
  if (engines.status !== 0) throw new Error('scripts/engines.sh failed');
  const sink = await startSink();
  const runs: R[] = [];
  try {
    for (let round = 0; round < options.rounds; round += 1) {
      const order = round % 2 === 0 ? options.variants : [...options.variants].reverse();
      for (const variant of order) {
        const run = await options.run(variant, `http://127.0.0.1:${String(sink.port)}`);
        options.report(round + 1, variant, run);
        runs.push(run);
      }
    }
  } finally {
    await sink.close();
  }
  return runs;
}
