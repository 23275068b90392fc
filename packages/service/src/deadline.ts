/**
 * Request deadlines. The gateway gives each request a total budget from its policy; every hop passes
 * what is left to the next one in the `x-kit-deadline-ms` header (HEADER_DEADLINE_MS: remaining
 * milliseconds, relative, so clocks that disagree do not matter), and every outbound call uses
 * min(its own attempt budget, what is left). A call with no time left is not made.
 *
 * The deadline lives in an AsyncLocalStorage for the request's work, not in OpenTelemetry's context:
 * the OpenTelemetry context only propagates when the SDK registered its context manager, and a
 * deadline is behaviour, not telemetry; it must hold with telemetry off too.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { AppError, HEADER_DEADLINE_MS } from '@kit/telemetry';
import type { RequestHandler } from 'express';

export { HEADER_DEADLINE_MS };

/** When a request's work must be done, on the monotonic clock (performance.now()). */
export interface Deadline {
  readonly expiresAt: number;
}

/** A service's own maximum: what it allows a request when no caller says, and the cap on what a caller says. */
export const DEFAULT_MAX_DEADLINE_MS = 15_000;

const storage = new AsyncLocalStorage<Deadline>();

/** Runs `work` with a deadline `ms` from now (replacing any outer one). */
export function withDeadline<T>(ms: number, work: () => T): T {
  return storage.run({ expiresAt: performance.now() + ms }, work);
}

/**
 * Runs `work` outside any deadline: clean-up that must happen even when the request ran out of time
 * (releasing a reservation, ending a claim). Its calls get their own attempt budgets.
 */
export function withoutDeadline<T>(work: () => T): T {
  return storage.exit(work);
}

/** The deadline of the work running now, if any. */
export function currentDeadline(): Deadline | undefined {
  return storage.getStore();
}

/** Milliseconds left before the current deadline (Infinity when there is none; ≤ 0 once it passed). */
export function remainingMs(): number {
  const deadline = storage.getStore();
  return deadline === undefined ? Number.POSITIVE_INFINITY : deadline.expiresAt - performance.now();
}

/** The request's deadline passed: the work is not done (or not finished). Never counts against a dependency. */
export class DeadlineExceededError extends AppError {
  constructor(options: { cause?: unknown } = {}) {
    super(504, DEADLINE_EXCEEDED_CODE, 'deadline exceeded: the request ran out of time', { ...options, expose: true });
  }
}

/** The error code of a deadline answer; a caller seeing it from a dependency knows the budget ran out, not the dependency. */
export const DEADLINE_EXCEEDED_CODE = 'deadline_exceeded';

/** Whether an upstream's answer is a deadline expiry (504 with the kit's deadline code), not a failure of the upstream. */
export function isDeadlineAnswer(status: number, data: unknown): boolean {
  if (status !== 504 || typeof data !== 'object' || data === null) return false;
  const error = (data as { error?: unknown }).error;
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DEADLINE_EXCEEDED_CODE;
}

const INTEGER = /^\d{1,9}$/;

/**
 * What a caller's header asks for: `expired` for 0 (the caller has already given up), the number of
 * milliseconds capped at `maxMs`, or `undefined` when the header is absent or not a plain
 * non-negative integer (garbage is ignored: the service's own maximum applies).
 */
export function parseDeadlineHeader(value: string | undefined, maxMs: number): number | 'expired' | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  // a negative number is a caller whose budget ran out on the way here
  if (/^-\d{1,9}$/.test(trimmed)) return 'expired';
  if (!INTEGER.test(trimmed)) return undefined;
  const ms = Number(trimmed);
  if (ms === 0) return 'expired';
  return Math.min(ms, maxMs);
}

export interface DeadlineMiddlewareOptions {
  /** The service's own maximum (default DEFAULT_MAX_DEADLINE_MS). */
  readonly maxMs?: number;
}

/**
 * A service's inbound side: the request runs under the deadline its caller sent (capped at the
 * service's maximum), or under the maximum when the caller sent none or garbage. A request whose
 * caller has no time left is answered 504 at once, without doing any work.
 */
export function deadlineMiddleware(options: DeadlineMiddlewareOptions = {}): RequestHandler {
  const maxMs = options.maxMs ?? DEFAULT_MAX_DEADLINE_MS;
  return (req, _res, next) => {
    const asked = parseDeadlineHeader(req.get(HEADER_DEADLINE_MS), maxMs);
    if (asked === 'expired') {
      next(new DeadlineExceededError());
      return;
    }
    withDeadline(asked ?? maxMs, () => next());
  };
}
