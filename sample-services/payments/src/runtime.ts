/** What an operator may change in payments while it runs (the simulated provider, log level), and where it starts. */
import { LOG_LEVELS } from '@kit/telemetry';
import { z } from 'zod';
import type { Config } from './config';
import type { ProviderSettings } from './provider';

export const runtimeSchema = z.object({
  latencyMedianMs: z.number().min(0).max(10_000),
  latencySigma: z.number().min(0).max(3),
  declineRate: z.number().min(0).max(1),
  logLevel: z.enum(LOG_LEVELS),
});
export type RuntimeSettings = z.infer<typeof runtimeSchema>;

/** The simulated provider's settings, from the runtime settings. */
export function providerSettings(settings: RuntimeSettings): ProviderSettings {
  return { medianMs: settings.latencyMedianMs, sigma: settings.latencySigma, declineRate: settings.declineRate };
}

export function initialRuntime(config: Config): RuntimeSettings {
  return {
    latencyMedianMs: config.PAYMENTS_LATENCY_MEDIAN_MS,
    latencySigma: config.PAYMENTS_LATENCY_SIGMA,
    declineRate: config.PAYMENTS_DECLINE_RATE,
    logLevel: config.LOG_LEVEL,
  };
}
