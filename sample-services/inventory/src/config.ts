/** The inventory's configuration: the shared service keys plus its store and admin settings. */
import { baseConfigShape, loadConfig as load } from '@kit/service';
import { z } from 'zod';

const schema = z.object({
  ...baseConfigShape(8083),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional()
    .describe('Redis connection URL; unset = in-memory store'),
  INVENTORY_SEED_STOCK: z.coerce.number().int().min(0).max(1_000_000).default(100).describe('units per product on first start'),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().describe('enables PUT /admin/stock/:productId'),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return load(schema, env);
}
