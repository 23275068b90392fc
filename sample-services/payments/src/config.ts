/** The payments configuration: the shared service keys plus the simulated provider's behaviour. */
import { baseConfigShape, loadConfig as load, runtimeConfigShape } from '@kit/service';
import { z } from 'zod';

const schema = z.object({
  ...baseConfigShape(8084),
  ...runtimeConfigShape(),
  PAYMENTS_LATENCY_MEDIAN_MS: z.coerce.number().min(0).max(10_000).default(40).describe('median charge latency'),
  PAYMENTS_LATENCY_SIGMA: z.coerce.number().min(0).max(3).default(0.6).describe('log-normal spread of charge latency'),
  PAYMENTS_DECLINE_RATE: z.coerce.number().min(0).max(1).default(0.02).describe('share of charges declined at random'),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  return load(schema, env);
}
