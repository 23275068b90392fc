/**
 * Configuration for a kit service: a zod schema over environment variables, checked once at start.
 * `loadConfig` takes the environment as a parameter (tests pass literals) and fails listing every
 * invalid key, so a service never starts half-configured. An empty value counts as unset, as
 * docker compose passes `KEY: ${KEY:-}` for a variable that .env leaves blank.
 */
import { LOG_LEVELS } from '@kit/telemetry';
import { z } from 'zod';

/** `true`/`false` strings, as environment variables carry them. */
export const envFlag = z.enum(['true', 'false']).transform((value) => value === 'true');

/** Keys every service has: where it listens, how much it logs, how it drains. */
export function baseConfigShape(defaultPort: number) {
  return {
    PORT: z.coerce.number().int().min(0).max(65_535).default(defaultPort).describe('HTTP port (0 picks a free one)'),
    HOST: z.string().min(1).default('0.0.0.0').describe('address to listen on'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0).describe('readiness 503 before the server stops accepting'),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(10_000),
    CHAOS_ENABLED: envFlag.default(false).describe('mounts the chaos routes (needs CHAOS_TOKEN)'),
    CHAOS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().describe('bearer token of the chaos routes'),
  };
}

/**
 * An upstream's base URL, or several separated by commas: the upstream's replicas where no name
 * resolves to all of them (the native stack on loopback). Compose and Kubernetes give one name.
 */
export function upstreamUrls(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((value, ctx): [string, ...string[]] => {
      const urls = value
        .split(',')
        .map((url) => url.trim())
        .filter((url) => url !== '');
      for (const url of urls) {
        if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) ctx.addIssue({ code: 'custom', message: `"${url}" is not an http(s) URL`, input: value });
      }
      const [first, ...rest] = urls;
      if (first === undefined) {
        ctx.addIssue({ code: 'custom', message: 'needs at least one URL', input: value });
        return z.NEVER;
      }
      return [first, ...rest];
    })
    .describe('base URL of the upstream, or its replicas\' base URLs separated by commas');
}

/** The keys of a service whose settings change while it runs (runtime-config.ts). */
export function runtimeConfigShape() {
  return {
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().describe('enables GET/PUT /admin/config'),
    CONFIG_FILE: z.string().min(1).optional().describe('JSON file of runtime settings, applied at start and re-read when it changes'),
  };
}

/** The chaos settings of a loaded config: the token when chaos is enabled, else undefined. */
export function chaosToken(config: { CHAOS_ENABLED: boolean; CHAOS_TOKEN?: string | undefined }): string | undefined {
  if (!config.CHAOS_ENABLED) return undefined;
  if (config.CHAOS_TOKEN === undefined) throw new ConfigError(['CHAOS_TOKEN: required when CHAOS_ENABLED is true']);
  return config.CHAOS_TOKEN;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return result.data;
}
