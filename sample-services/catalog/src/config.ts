/**
 * The catalog's configuration: a zod schema over environment variables, checked once at start.
 * `loadConfig` takes the environment as a parameter so tests pass literals; it fails listing every
 * invalid key.
 */
import { LOG_LEVELS } from '@kit/telemetry';
import { z } from 'zod';

const flag = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8081).describe('HTTP port (0 picks a free one)'),
  HOST: z.string().min(1).default('0.0.0.0').describe('address to listen on'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .describe('PostgreSQL connection URL; unset = in-memory store'),
  RECOMMENDATIONS_ENABLED: flag.default(true).describe('feature toggle: computed recommendations (else the fallback)'),
  RECOMMENDATIONS_TIMEOUT_MS: z.coerce.number().int().min(1).max(10_000).default(150).describe('budget before the fallback answers'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0).describe('readiness 503 before the server stops accepting'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(10_000),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return result.data;
}
