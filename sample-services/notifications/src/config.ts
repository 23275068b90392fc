/** The notifications configuration: the shared service keys plus its store, broker and retry settings. */
import { baseConfigShape, loadConfig as load, runtimeConfigShape } from '@kit/service';
import { z } from 'zod';

const schema = z.object({
  ...baseConfigShape(8085),
  ...runtimeConfigShape(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional().describe('unset = in-memory store (forgets on restart)'),
  AMQP_URL: z.string().regex(/^amqps?:\/\//, 'must be an amqp:// URL').optional().describe('unset = nothing to consume'),
  NOTIFICATIONS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  NOTIFICATIONS_RETRY_BASE_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  NOTIFICATIONS_PREFETCH: z.coerce.number().int().min(1).max(1_000).default(16),
  NOTIFICATIONS_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0).describe('share of sends that fail (to watch retries)'),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return load(schema, env);
}
