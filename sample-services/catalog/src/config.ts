/** The catalog's configuration: the shared service keys plus its store and recommendation settings. */
import { baseConfigShape, envFlag, loadConfig as load } from '@kit/service';
import { z } from 'zod';

const schema = z.object({
  ...baseConfigShape(8081),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .describe('PostgreSQL connection URL; unset = in-memory store'),
  RECOMMENDATIONS_ENABLED: envFlag.default(true).describe('feature toggle: computed recommendations (else the fallback)'),
  RECOMMENDATIONS_TIMEOUT_MS: z.coerce.number().int().min(1).max(10_000).default(150).describe('budget before the fallback answers'),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return load(schema, env);
}
