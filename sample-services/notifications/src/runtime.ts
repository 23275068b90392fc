/** What an operator may change in notifications while it runs (the mail relay's failure share, log level). */
import { LOG_LEVELS } from '@kit/telemetry';
import { z } from 'zod';
import type { Config } from './config';

export const runtimeSchema = z.object({
  failureRate: z.number().min(0).max(1),
  logLevel: z.enum(LOG_LEVELS),
});
export type RuntimeSettings = z.infer<typeof runtimeSchema>;

export function initialRuntime(config: Config): RuntimeSettings {
  return { failureRate: config.NOTIFICATIONS_FAILURE_RATE, logLevel: config.LOG_LEVEL };
}
