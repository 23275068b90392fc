/** What an operator may change in orders while it runs (its calls' budgets, retries, log level), and where it starts. */
import { DEFAULT_DEPENDENCY_SETTINGS, type DependencySettings } from '@kit/service';
import { LOG_LEVELS } from '@kit/telemetry';
import { z } from 'zod';
import type { Config } from './config';

export const runtimeSchema = z.object({
  upstreamTimeoutMs: z.number().int().min(10).max(30_000),
  paymentsTimeoutMs: z.number().int().min(10).max(30_000),
  upstreamRetries: z.number().int().min(0).max(5),
  logLevel: z.enum(LOG_LEVELS),
});
export type RuntimeSettings = z.infer<typeof runtimeSchema>;

export function initialRuntime(config: Config): RuntimeSettings {
  return {
    upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
    paymentsTimeoutMs: config.PAYMENTS_TIMEOUT_MS,
    upstreamRetries: config.UPSTREAM_RETRIES,
    logLevel: config.LOG_LEVEL,
  };
}

/** The settings of orders' calls to catalog and inventory, and to payments, from the runtime settings. */
export function callSettings(settings: RuntimeSettings): { upstream: DependencySettings; payments: DependencySettings } {
  const upstream = { ...DEFAULT_DEPENDENCY_SETTINGS, timeoutMs: settings.upstreamTimeoutMs, retries: settings.upstreamRetries };
  return { upstream, payments: { ...upstream, timeoutMs: settings.paymentsTimeoutMs } };
}
