/**
 * Overload protection and meaningful health: a service sheds requests (503 + Retry-After) while it is
 * overloaded — too many requests in flight, or its event loop busier than the limit — and reports
 * not-ready meanwhile, so load balancers send traffic elsewhere; it reports not-live when its event
 * loop has been stuck longer than the limit, so its supervisor restarts it. Shed requests are counted
 * in kit_http_shed_requests_total{reason}.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { LABEL_REASON, METRIC_HTTP_SHED, getMetrics, serviceCounter, type Lifecycle } from '@kit/telemetry';
import type { RequestHandler } from 'express';

export interface LoadLimits {
  /** Requests in flight above which new ones are shed. */
  readonly maxInFlight: number;
  /** Event-loop utilisation (0-1, per second) above which, two seconds in a row, new requests are shed. */
  readonly maxEventLoopUtilization: number;
  /** Longest event-loop delay (ms, over the last 10 s) before the process reports not-live. */
  readonly maxEventLoopDelayMs: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = { maxInFlight: 1_024, maxEventLoopUtilization: 0.98, maxEventLoopDelayMs: 5_000 };

export interface LoadGuard {
  readonly middleware: RequestHandler;
  /** Why the service sheds right now, or undefined. */
  overloaded(): 'in_flight' | 'event_loop' | undefined;
  close(): void;
}

export function createLoadGuard(options: { lifecycle: Lifecycle; limits?: Partial<LoadLimits>; inFlight?: () => number }): LoadGuard {
  const limits = { ...DEFAULT_LOAD_LIMITS, ...options.limits };
  const inFlight = options.inFlight ?? (() => getMetrics().inFlight.count);
  const shed = serviceCounter(METRIC_HTTP_SHED, 'Requests refused with 503 because the service was overloaded.', [LABEL_REASON]);

  // event-loop utilisation per second, sampled by an unref'd timer; saturated means two samples in a
  // row above the limit, so a one-second burst (a flash crowd the service absorbs) sheds nothing
  let saturatedSamples = 0;
  let last = performance.eventLoopUtilization();
  const sampler = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const utilisation = performance.eventLoopUtilization(now, last).utilization;
    saturatedSamples = utilisation > limits.maxEventLoopUtilization ? saturatedSamples + 1 : 0;
    last = now;
  }, 1_000);
  sampler.unref();

  // the longest event-loop delay over the last two 5-second windows
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  let previousMaxMs = 0;
  const rotate = setInterval(() => {
    previousMaxMs = delay.max / 1e6;
    delay.reset();
  }, 5_000);
  rotate.unref();

  const overloaded = () => {
    if (inFlight() > limits.maxInFlight) return 'in_flight' as const;
    if (saturatedSamples >= 2) return 'event_loop' as const;
    return undefined;
  };
  options.lifecycle.addCheck({ name: 'load', check: () => overloaded() === undefined });
  options.lifecycle.addLivenessCheck(() => {
    const worstMs = Math.max(previousMaxMs, delay.max / 1e6);
    return worstMs > limits.maxEventLoopDelayMs ? `event loop stuck for ${String(Math.round(worstMs))} ms` : undefined;
  });

  return {
    overloaded,
    middleware: (_req, res, next) => {
      const reason = overloaded();
      if (reason === undefined) {
        next();
        return;
      }
      shed.inc({ [LABEL_REASON]: reason });
      res.setHeader('Retry-After', '1');
      res.status(503).json({ error: { code: 'overloaded', message: `the service is overloaded (${reason === 'in_flight' ? 'too many requests in flight' : 'event loop saturated'}); retry after a second` } });
    },
    close() {
      clearInterval(sampler);
      clearInterval(rotate);
      delay.disable();
    },
  };
}
