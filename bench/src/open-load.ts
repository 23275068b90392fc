/**
 * Open-model load for the benchmarks: a request starts every 1/rate seconds whether or not earlier
 * ones finished (how real users arrive), each one timed end to end. Shared by the checkout and the
 * architectures benchmarks.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

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
