/** What an operator may change in the catalog while it runs, and where it starts from. */
import { LOG_LEVELS } from '@kit/telemetry';
import { z } from 'zod';
import type { Config } from './config';

export const runtimeSchema = z.object({
  recommendationsEnabled: z.boolean(),
  recommendationsTimeoutMs: z.number().int().min(1).max(10_000),
  logLevel: z.enum(LOG_LEVELS),
});
export type RuntimeSettings = z.infer<typeof runtimeSchema>;

export function initialRuntime(config: Config): RuntimeSettings {
  return {
    recommendationsEnabled: config.RECOMMENDATIONS_ENABLED,
    recommendationsTimeoutMs: config.RECOMMENDATIONS_TIMEOUT_MS,
    logLevel: config.LOG_LEVEL,
  };
}
