/**
 * Resilience for every outbound call, built on cockatiel: a bulkhead (concurrency limit with a short
 * queue) around retries with exponential backoff and jitter (only for idempotent or keyed calls),
 * around a circuit breaker, around a per-attempt timeout that aborts the request. Each dependency's
 * circuit state, retries, timeouts, rejections and fallbacks are metrics; state changes are log
 * lines and span events.
 *
 * Deadlines (deadline.ts): each attempt gets min(its attempt budget, what is left of the request's
 * deadline); with no time left the call is not made (a 504 counted as a deadline expiry, never
 * against the dependency's circuit), and a retry is made only when a full attempt still fits. Retries
 * also draw on the dependency's retry budget (retry-budget.ts), so an outage adds at most a fixed
 * share of extra calls.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { currentChaos } from './chaos';
import { DependencyFailure, classifyError, countsAgainstUpstream } from './failure';
import { DeadlineExceededError, remainingMs } from './deadline';
import { createRetryBudget } from './retry-budget';
import {
  ATTR_KIT_DEPENDENCY,
  LABEL_DEPENDENCY,
  LABEL_REASON,
  METRIC_CIRCUIT_STATE,
  METRIC_DEPENDENCY_DEADLINE_EXCEEDED,
  METRIC_DEPENDENCY_FALLBACKS,
  METRIC_DEPENDENCY_REJECTIONS,
  METRIC_DEPENDENCY_RETRIES,
  METRIC_DEPENDENCY_RETRY_BUDGET_EXHAUSTED,
  METRIC_DEPENDENCY_TIMEOUTS,
  UpstreamError,
  serviceCounter,
  serviceGauge,
  type Logger,
} from '@kit/telemetry';
import { trace } from '@opentelemetry/api';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  IsolatedCircuitError,
  type IBackoff,
  type IBackoffFactory,
  type IHalfOpenAfterBackoffContext,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  TaskCancelledError,
  timeout,
} from 'cockatiel';

export interface DependencySettings {
  /** Budget for one attempt; the request is aborted when it runs out. */
  readonly timeoutMs: number;
  /** Extra attempts for idempotent calls (0 = none). */
  readonly retries: number;
  /** First backoff delay; later ones grow exponentially with jitter. */
  readonly retryBaseMs: number;
  /** Consecutive failures that open the circuit. */
  readonly breakerFailures: number;
  /** How long the circuit stays open before one trial call is let through. */
  readonly halfOpenAfterMs: number;
  /** Calls in flight at once, and how many more may wait. */
  readonly concurrency: number;
  readonly queue: number;
  /** Retry budget: the share of calls that may be retried over a 10 s sliding window (see retry-budget.ts). */
  readonly retryBudgetRatio: number;
  /** Retries allowed per 10 s window whatever the traffic, so a quiet service can still retry. */
  readonly retryBudgetMin: number;
}

export const DEFAULT_DEPENDENCY_SETTINGS: DependencySettings = {
  timeoutMs: 1_000,
  retries: 2,
  retryBaseMs: 50,
  breakerFailures: 5,
  // after failed answers or timeouts; a circuit opened by a lost connection retries sooner
  // (HALF_OPEN_AFTER_GONE_MS)
  halfOpenAfterMs: 5_000,
  // generous: a checkout burst of a few hundred waits its turn instead of being shed
  concurrency: 128,
  queue: 512,
  // at most one retry per five calls once traffic is above 15 calls per 10 s; below, 3 per 10 s
  retryBudgetRatio: 0.2,
  retryBudgetMin: 3,
};

// the failure classes live in failure.ts; DependencyFailure stays importable from here
export { DependencyFailure } from './failure';

/**
 * The pause before a trial call when the circuit opened because the upstream's connection was refused
 * or cut (a process restarting, a replica gone): such a trial fails in a millisecond and costs the
 * upstream nothing, and a restarted upstream is back in use within about half a second of listening.
 * An upstream that answers with errors or too slowly keeps the full `halfOpenAfterMs`.
 */
export const HALF_OPEN_AFTER_GONE_MS = 500;

/** True when the upstream could not be talked to at all (refused, reset, unreachable): see failure.ts. */
const connectionGone = (error: unknown) => classifyError(error) === 'connection';

/** The circuit's pause before a trial call: short after a lost connection, `pauseMs` otherwise. */
function halfOpenAfter(pauseMs: number): IBackoffFactory<IHalfOpenAfterBackoffContext> {
  const next = (context: IHalfOpenAfterBackoffContext): IBackoff<IHalfOpenAfterBackoffContext> => ({
    duration: 'error' in context.result && connectionGone(context.result.error) ? Math.min(HALF_OPEN_AFTER_GONE_MS, pauseMs) : pauseMs,
    next,
  });
  return { next };
}


const STATE_VALUE: Record<CircuitState, number> = {
  [CircuitState.Closed]: 0,
  [CircuitState.HalfOpen]: 1,
  [CircuitState.Open]: 2,
  [CircuitState.Isolated]: 3,
};
const STATE_NAME: Record<CircuitState, string> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Open]: 'open',
  [CircuitState.Isolated]: 'isolated',
};

export interface ExecuteOptions {
  /** Reads, and writes carrying an idempotency key the upstream honours: retried on failure. */
  readonly idempotent: boolean;
  /** This call's attempt budget instead of the dependency's `timeoutMs` (e.g. a route with a longer deadline). */
  readonly timeoutMs?: number;
}

export interface Dependency {
  readonly name: string;
  /**
   * Runs `call` under the dependency's policies. `idempotent` calls (reads, or writes carrying an
   * idempotency key) are retried; others get one attempt. Failures surface as `UpstreamError`
   * (503 unavailable, 504 timed out), so the error middleware answers them clearly; a call the
   * request's deadline left no time for fails with DeadlineExceededError (504). `call` gets the
   * attempt's abort signal and its budget in milliseconds (what to tell the upstream it has).
   */
  execute<T>(call: (signal: AbortSignal, budgetMs: number) => Promise<T>, options: ExecuteOptions): Promise<T>;
  /** Count a degraded answer given instead of this dependency's. */
  recordFallback(): void;
  state(): string;
  /** Holds the circuit open by hand (chaos, maintenance) until the returned function is called. */
  isolate(): () => void;
}

/** The process's dependencies by name (the newest per name), so the chaos status can show their circuits. */
const registry = new Map<string, Dependency>();

/** Each outbound dependency's circuit state right now (`closed`, `half-open`, `open`, `isolated`). */
export function circuitStates(): Record<string, string> {
  const states = [...registry].map(([name, dependency]): [string, string] => [name, dependency.state()]);
  return Object.fromEntries(states.sort((a, b) => a[0].localeCompare(b[0])));
}

/**
 * A dependency's settings: fixed, or read live (runtime configuration). A live source is asked on
 * every call and must return the same object until something changes; a new object rebuilds the
 * timeout, retry and bulkhead policies for the calls that follow (calls in flight finish under the
 * old ones). The breaker keeps its state and the failure count and pause it started with.
 */
export type DependencySettingsSource = DependencySettings | (() => DependencySettings);

export function createDependency(name: string, logger: Logger, source: DependencySettingsSource = DEFAULT_DEPENDENCY_SETTINGS): Dependency {
  const current = typeof source === 'function' ? source : () => source;
  const settings = current();
  const labels = { [LABEL_DEPENDENCY]: name };
  const stateGauge = serviceGauge(METRIC_CIRCUIT_STATE, 'Circuit state per dependency: 0 closed, 1 half-open, 2 open, 3 isolated.', [LABEL_DEPENDENCY]);
  const retries = serviceCounter(METRIC_DEPENDENCY_RETRIES, 'Retried calls per dependency.', [LABEL_DEPENDENCY]);
  const timeouts = serviceCounter(METRIC_DEPENDENCY_TIMEOUTS, 'Calls aborted by their timeout, per dependency.', [LABEL_DEPENDENCY]);
  const rejections = serviceCounter(METRIC_DEPENDENCY_REJECTIONS, 'Calls refused before reaching the dependency (open circuit, full bulkhead).', [
    LABEL_DEPENDENCY,
    LABEL_REASON,
  ]);
  const fallbacks = serviceCounter(METRIC_DEPENDENCY_FALLBACKS, 'Degraded answers given instead of the dependency.', [LABEL_DEPENDENCY]);
  stateGauge.set(labels, 0);

  const deadlineExpiries = serviceCounter(METRIC_DEPENDENCY_DEADLINE_EXCEEDED, 'Calls not made, or cut short, because the request had no time left, per dependency.', [LABEL_DEPENDENCY]);
  const budgetExhausted = serviceCounter(METRIC_DEPENDENCY_RETRY_BUDGET_EXHAUSTED, 'Retries not made because the retry budget was spent, per dependency.', [LABEL_DEPENDENCY]);
  // from 0, so the first expiry or refusal is an increase (and the dashboard shows a healthy zero)
  deadlineExpiries.inc(labels, 0);
  budgetExhausted.inc(labels, 0);

  // a deadline-cut trial in half-open proves nothing about the dependency: the circuit stays open
  // only what the upstream caused (failure.ts): a crafted request can never open this circuit; and a
  // deadline-cut trial in half-open proves nothing about the dependency, so the circuit stays open
  const countsAgainst = handleWhen((error) => countsAgainstUpstream(error) || (error instanceof DeadlineExceededError && breaker.state === CircuitState.HalfOpen));
  const breaker = circuitBreaker(countsAgainst, {
    halfOpenAfter: halfOpenAfter(settings.halfOpenAfterMs),
    breaker: new ConsecutiveBreaker(settings.breakerFailures),
  });
  // rejections are logged per episode with a count, never per call: one line when the circuit
  // opens, one when it lets calls through again (with how many it refused meanwhile), and the same
  // for a full bulkhead (its first refusal, then the count once a call is admitted again)
  let refusedWhileOpen = 0;
  let shed = 0;
  breaker.onStateChange((state) => {
    stateGauge.set(labels, STATE_VALUE[state]);
    const stateName = STATE_NAME[state];
    trace.getActiveSpan()?.addEvent('circuit.state_change', { [ATTR_KIT_DEPENDENCY]: name, 'kit.circuit.state': stateName });
    const log = state === CircuitState.Closed ? logger.info.bind(logger) : logger.warn.bind(logger);
    if (state === CircuitState.Open || state === CircuitState.Isolated) {
      log(`circuit to ${name} is ${stateName}`, { dependency: name, circuit_state: stateName });
      return;
    }
    log(`circuit to ${name} is ${stateName}; ${String(refusedWhileOpen)} calls refused while it was open`, { dependency: name, circuit_state: stateName, rejected: refusedWhileOpen });
    refusedWhileOpen = 0;
  });
  const admitted = () => {
    if (shed === 0) return;
    logger.info(`calls to ${name} admitted again; ${String(shed)} shed while its bulkhead was full`, { dependency: name, rejected: shed });
    shed = 0;
  };
  // every call that got past the bulkhead reaches the breaker and ends in one of these
  breaker.onSuccess(admitted);
  breaker.onFailure(admitted);
  // the same classification decides what is worth another attempt
  const retryable = countsAgainstUpstream;
  const policies = (from: DependencySettings) => ({
    from,
    limit: bulkhead(from.concurrency, from.queue),
    backoff: new ExponentialBackoff({ initialDelay: from.retryBaseMs, maxDelay: from.retryBaseMs * 20 }),
  });
  let active = policies(settings);
  const live = () => {
    const now = current();
    if (now !== active.from) {
      active = policies(now);
      logger.info(`calls to ${name} now use timeout ${String(now.timeoutMs)} ms and ${String(now.retries)} retries`, { dependency: name, timeout_ms: now.timeoutMs, retries: now.retries });
    }
    return active;
  };
  const budget = createRetryBudget(() => {
    const now = current();
    return { ratio: now.retryBudgetRatio, minPerWindow: now.retryBudgetMin };
  });

  /** One attempt: min(attemptMs, what the deadline leaves), through the breaker; none at all without time. */
  async function attempt<T>(call: (signal: AbortSignal, budgetMs: number) => Promise<T>, attemptMs: number): Promise<T> {
    const left = remainingMs();
    if (left <= 0) {
      deadlineExpiries.inc(labels);
      throw new DeadlineExceededError();
    }
    const cut = left < attemptMs;
    const budgetMs = cut ? Math.max(1, Math.floor(left)) : attemptMs;
    return breaker.execute(async () => {
      try {
        return await timeout(budgetMs, TimeoutStrategy.Aggressive).execute(({ signal }) => {
          // a chaos partition towards this dependency: the attempt fails, or waits for its timeout
          const fault = currentChaos()?.dependencyFault(name);
          if (fault === 'fail') return Promise.reject(new DependencyFailure(`chaos: partition from ${name}`));
          // never answers: the attempt's (aggressive) timeout ends it, as with a dependency that hangs
          if (fault === 'timeout') return new Promise<never>(() => undefined);
          return call(signal, budgetMs);
        });
      } catch (error) {
        if (error instanceof TaskCancelledError) {
          if (cut) {
            deadlineExpiries.inc(labels);
            throw new DeadlineExceededError({ cause: error });
          }
          timeouts.inc(labels);
        }
        if (error instanceof DeadlineExceededError) deadlineExpiries.inc(labels);
        throw error;
      }
    });
  }

  function translate(error: unknown): unknown {
    if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
      rejections.inc({ ...labels, [LABEL_REASON]: 'circuit_open' });
      refusedWhileOpen += 1;
      return new UpstreamError(`${name} is unavailable (circuit open)`, { cause: error, reason: 'circuit_open', dependency: name });
    }
    if (error instanceof BulkheadRejectedError) {
      rejections.inc({ ...labels, [LABEL_REASON]: 'bulkhead_full' });
      if (shed === 0) logger.warn(`calls to ${name} are being shed: too many in flight`, { dependency: name });
      shed += 1;
      return new UpstreamError(`${name} is overloaded (too many calls in flight)`, { cause: error, reason: 'bulkhead_full', dependency: name });
    }
    // fixed phrases only: the detail (codes, causes) stays in `cause`, for the log
    switch (classifyError(error)) {
      case 'timeout':
        return new UpstreamError(`${name} timed out`, { cause: error, status: 504, reason: 'timeout', dependency: name });
      case 'connection':
        return new UpstreamError(`${name} is unreachable`, { cause: error, status: 502, reason: 'unreachable', dependency: name });
      case 'overload':
        return new UpstreamError(`${name} is overloaded`, { cause: error, status: 503, reason: 'overloaded', dependency: name });
      case 'server_error':
        return new UpstreamError(`${name} failed${error instanceof DependencyFailure && error.status !== undefined ? ` (answered ${String(error.status)})` : ''}`, { cause: error, status: 502, reason: 'failed', dependency: name });
      default:
        // 4xx answers are returned, not thrown; a local error (LocalCallError, a bug) goes on as is
        return error;
    }
  }

  const dependency: Dependency = {
    name,
    async execute(call, options) {
      try {
        const { from, limit, backoff: backoffs } = live();
        const attemptMs = options.timeoutMs ?? from.timeoutMs;
        const maxRetries = options.idempotent ? from.retries : 0;
        budget.recordCall();
        return await limit.execute(async () => {
          let backoff: IBackoff<unknown> | undefined;
          for (let tries = 0; ; tries += 1) {
            try {
              return await attempt(call, attemptMs);
            } catch (error) {
              if (!retryable(error) || tries >= maxRetries) throw error;
              backoff = backoff === undefined ? backoffs.next() : backoff.next(undefined);
              // a retry only when a full attempt still fits in the deadline, and the budget allows one
              if (remainingMs() - backoff.duration < attemptMs) throw error;
              if (!budget.tryRetry()) {
                budgetExhausted.inc(labels);
                throw error;
              }
              retries.inc(labels);
              await sleep(backoff.duration);
            }
          }
        });
      } catch (error) {
        throw translate(error);
      }
    },
    recordFallback: () => fallbacks.inc(labels),
    state: () => STATE_NAME[breaker.state],
    isolate() {
      const handle = breaker.isolate();
      return () => handle.dispose();
    },
  };
  registry.set(name, dependency);
  return dependency;
}
