/**
 * Configuration that changes while the service runs (MSA building block 1): timeouts, feature
 * toggles, log level. A change arrives from a watched JSON file or the admin endpoint, is validated
 * against the service's schema (a bad change is rejected with its reasons and the old configuration
 * kept), then logged, counted (`kit_config_reloads_total{result}`) and versioned
 * (`kit_config_version`), so every change shows up on the dashboards.
 */
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync, unwatchFile, watchFile } from 'node:fs';
import { AppError, LABEL_RESULT, METRIC_CONFIG_RELOADS, METRIC_CONFIG_VERSION, serviceCounter, serviceGauge, type Logger } from '@kit/telemetry';
import { Router } from 'express';
import type { z } from 'zod';
import { sameSecret } from './secret';

export type ApplyResult<T> = { readonly ok: true; readonly config: T; readonly version: number } | { readonly ok: false; readonly problems: string[] };

export interface RuntimeConfig<T> {
  get(): T;
  version(): number;
  /** Merges `patch` over the current values, validates, and applies it when valid. */
  apply(patch: unknown, source: string): ApplyResult<T>;
  /**
   * A live view of part of the configuration, for code that asks on every call (a dependency's
   * settings): the same object until a change is applied, then a new one.
   */
  derive<U>(select: (config: T) => U): () => U;
  /** Applies `file` now when it exists, then re-reads it whenever it changes; returns the function that stops watching. */
  watch(file: string, intervalMs?: number): () => void;
  /** `GET /admin/config` and `PUT /admin/config` (a partial JSON object), behind the admin token. */
  router(adminToken: string): Router;
}

export function createRuntimeConfig<S extends z.ZodObject>(options: {
  schema: S;
  initial: z.infer<S>;
  logger: Logger;
  /** Called after each accepted change (e.g. to set the logger's level). */
  onChange?: (config: z.infer<S>) => void;
}): RuntimeConfig<z.infer<S>> {
  type T = z.infer<S>;
  const { schema, logger } = options;
  const reloads = serviceCounter(METRIC_CONFIG_RELOADS, 'Runtime configuration changes by result.', [LABEL_RESULT]);
  const versionGauge = serviceGauge(METRIC_CONFIG_VERSION, 'Version of the active runtime configuration (starts at 1).', []);
  let current: T = options.initial;
  let version = 1;
  versionGauge.set(version);

  function apply(patch: unknown, source: string): ApplyResult<T> {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      reloads.inc({ result: 'rejected' });
      logger.warn('configuration change rejected', { source, problems: ['must be a JSON object'] });
      return { ok: false, problems: ['must be a JSON object'] };
    }
    const result = schema.strict().safeParse({ ...current, ...patch });
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`);
      reloads.inc({ result: 'rejected' });
      logger.warn('configuration change rejected; keeping the current configuration', { source, problems, version });
      return { ok: false, problems };
    }
    current = result.data as T;
    version += 1;
    versionGauge.set(version);
    reloads.inc({ result: 'applied' });
    logger.info('configuration changed', { source, version, keys: Object.keys(patch) });
    options.onChange?.(current);
    return { ok: true, config: current, version };
  }

  return {
    get: () => current,
    version: () => version,
    apply,
    derive(select) {
      let seen = version;
      let value = select(current);
      return () => {
        if (seen !== version) {
          seen = version;
          value = select(current);
        }
        return value;
      };
    },
    watch(file, intervalMs = 1_000) {
      const unreadable = (error: unknown) => {
        reloads.inc({ result: 'rejected' });
        logger.warn('configuration file unreadable; keeping the current configuration', { file, error: String(error) });
      };
      const applyText = (text: string) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (error) {
          unreadable(error);
          return;
        }
        apply(parsed, file);
      };
      const load = async () => {
        const text = await readFile(file, 'utf8').catch(unreadable);
        if (text !== undefined) applyText(text);
      };
      // what the file says counts from the start, not only from its next change
      if (existsSync(file)) applyText(readFileSync(file, 'utf8'));
      watchFile(file, { interval: intervalMs }, (now, before) => {
        if (now.mtimeMs !== before.mtimeMs && now.mtimeMs !== 0) void load();
      });
      return () => unwatchFile(file);
    },
    router(adminToken) {
      const router = Router();
      router.use('/admin/config', (req, _res, next) => {
        if (!sameSecret(req.get('x-admin-token'), adminToken)) throw new AppError(401, 'unauthorized', 'admin token missing or wrong');
        next();
      });
      router.get('/admin/config', (_req, res) => {
        res.json({ version, config: current });
      });
      router.put('/admin/config', (req, res) => {
        const result = apply(req.body, 'admin endpoint');
        if (!result.ok) throw new AppError(400, 'invalid_config', result.problems.join('; '), { details: result.problems });
        res.json({ version: result.version, config: result.config });
      });
      return router;
    },
  };
}
