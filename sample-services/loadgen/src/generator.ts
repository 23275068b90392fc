/**
 * The open-model generator: journeys start at the configured rate whether or not earlier ones have
 * finished (as real users arrive), up to a cap on journeys in flight so an outage cannot pile up
 * unbounded work. Rate and mix are read on every tick, so a runtime change applies at once; each tick starts the
 * journeys due for the time that really passed since the last one.
 */
import { LABEL_JOURNEY, LABEL_RESULT, LABEL_STEP, METRIC_LOADGEN_JOURNEYS, METRIC_LOADGEN_REQUEST_DURATION, serviceCounter, serviceHistogram } from '@kit/telemetry';
import { z } from 'zod';
import { chooseJourney, play, type JourneyDeps } from './journeys';

/** What can change while the generator runs (GET/PUT /control). */
export const settingsSchema = z.object({
  journeysPerSecond: z.number().min(0).max(2_000),
  checkoutShare: z.number().min(0).max(1),
});
export type GeneratorSettings = z.infer<typeof settingsSchema>;

const TICK_MS = 100;

export function createGenerator(deps: JourneyDeps & { settings: () => GeneratorSettings; maxInFlight: number }) {
  const journeys = serviceCounter(METRIC_LOADGEN_JOURNEYS, 'Journeys played, by journey and result (ok, failed, skipped when too many were in flight).', [LABEL_JOURNEY, LABEL_RESULT]);
  const durations = serviceHistogram(METRIC_LOADGEN_REQUEST_DURATION, 'Client-side latency of each journey step, in seconds.', [LABEL_STEP, LABEL_RESULT]);
  let timer: NodeJS.Timeout | undefined;
  let carry = 0;
  let inFlight = 0;
  const running = new Set<Promise<void>>();

  let lastTick = 0;

  function tick(): void {
    const { journeysPerSecond, checkoutShare } = deps.settings();
    // by the time that really passed, so a late timer (a busy CPU) does not lower the rate; at most
    // a second's worth at once, so a long stall does not end in a burst
    const now = performance.now();
    carry += (journeysPerSecond * Math.min(now - lastTick, 1_000)) / 1000;
    lastTick = now;
    while (carry >= 1) {
      carry -= 1;
      const journey = chooseJourney(deps.random, checkoutShare);
      if (inFlight >= deps.maxInFlight) {
        journeys.inc({ journey, result: 'skipped' });
        continue;
      }
      inFlight += 1;
      const done = play(journey, deps).then((steps) => {
        for (const step of steps) durations.observe({ step: step.step, result: step.ok ? 'ok' : 'failed' }, step.seconds);
        journeys.inc({ journey, result: steps.every((s) => s.ok) ? 'ok' : 'failed' });
      });
      running.add(done);
      void done.finally(() => {
        inFlight -= 1;
        running.delete(done);
      });
    }
  }

  return {
    start() {
      if (timer !== undefined) return;
      lastTick = performance.now();
      timer = setInterval(tick, TICK_MS);
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await Promise.all(running);
    },
    inFlight: () => inFlight,
  };
}
