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
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().describe('enables GET/PUT /admin/config'),
  CONFIG_FILE: z.string().min(1).optional().describe('JSON file of runtime settings, re-read when it changes'),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return load(schema, env);
}
