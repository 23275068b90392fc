/**
 * A retry budget: retries to one dependency may be at most a fixed share of the calls made to it
 * over a sliding window, with a small floor so that a service with little traffic can still retry.
 * A retry is allowed while retries in the window < max(minPerWindow, ratio × calls in the window).
 * Retries on top of retries are what turns a slow dependency into an overloaded one; the budget
 * bounds the extra load any outage can cause at (1 + ratio) × the calls.
 *
 * The window is made of one-second buckets in a ring, so recording and asking are O(buckets).
 */
export interface RetryBudgetLimits {
  /** Share of calls that may be retried (0.2: at most one retry per five calls). */
  readonly ratio: number;
  /** Retries always allowed per window, whatever the traffic. */
  readonly minPerWindow: number;
}

export interface RetryBudget {
  /** A call (its first attempt) was made. */
  recordCall(): void;
  /** Takes one retry from the budget; false when it is spent (the retry must not be made). */
  tryRetry(): boolean;
}

export const RETRY_BUDGET_WINDOW_MS = 10_000;
const BUCKET_MS = 1_000;

export function createRetryBudget(limits: () => RetryBudgetLimits, now: () => number = Date.now): RetryBudget {
  const size = RETRY_BUDGET_WINDOW_MS / BUCKET_MS;
  const epochs = new Array<number>(size).fill(-1);
  const calls = new Array<number>(size).fill(0);
  const retries = new Array<number>(size).fill(0);

  const bucket = (): number => {
    const epoch = Math.floor(now() / BUCKET_MS);
    const index = epoch % size;
    if (epochs[index] !== epoch) {
      epochs[index] = epoch;
      calls[index] = 0;
      retries[index] = 0;
    }
    return index;
  };
  const inWindow = (counts: number[]): number => {
    const oldest = Math.floor(now() / BUCKET_MS) - size + 1;
    let sum = 0;
    for (let i = 0; i < size; i += 1) if ((epochs[i] ?? -1) >= oldest) sum += counts[i] ?? 0;
    return sum;
  };

  return {
    recordCall() {
      const index = bucket();
      calls[index] = (calls[index] ?? 0) + 1;
    },
    tryRetry() {
      const index = bucket();
      const { ratio, minPerWindow } = limits();
      if (inWindow(retries) >= Math.max(minPerWindow, ratio * inWindow(calls))) return false;
      retries[index] = (retries[index] ?? 0) + 1;
      return true;
    },
  };
}
