/**
 * The catalog's HTTP routes: product list and search, product detail, and recommendations that
 * degrade to same-category best prices when computed ones are switched off, slow or failing.
 */
import { LABEL_DEPENDENCY, METRIC_DEPENDENCY_FALLBACKS, NotFoundError, serviceCounter, type Logger } from '@kit/telemetry';
import { trace } from '@opentelemetry/api';
import { Router } from 'express';
import { z } from 'zod';
import { CATEGORIES, type Product } from './products';
import type { CatalogStore } from './store';

export interface RecommendationSettings {
  enabled: boolean;
  timeoutMs: number;
}

export interface CatalogDeps {
  readonly store: CatalogStore;
  readonly logger: Logger;
  /** Read on every request, so a runtime config change applies at once. */
  readonly recommendations: () => RecommendationSettings;
}

const listQuery = z
  .object({
    category: z.enum(CATEGORIES).optional(),
    q: z.string().trim().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
  })
  .strict();
const productParams = z.object({ id: z.string().regex(/^p-\d{3}$/, 'must look like p-001') });
const recommendationQuery = z.object({ limit: z.coerce.number().int().min(1).max(20).default(4) }).strict();

const RECOMMENDATIONS_FAILED = Symbol('recommendations failed');

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | typeof RECOMMENDATIONS_FAILED> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(RECOMMENDATIONS_FAILED), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(RECOMMENDATIONS_FAILED);
      },
    );
  });
}

export function catalogRouter(deps: CatalogDeps): Router {
  const { store, logger } = deps;
  const router = Router();
  const fallbacks = serviceCounter(METRIC_DEPENDENCY_FALLBACKS, 'Degraded answers given instead of the dependency.', [LABEL_DEPENDENCY]);

  router.get('/categories', (_req, res) => {
    res.json({ items: CATEGORIES });
  });

  router.get('/products', async (req, res) => {
    const query = listQuery.parse(req.query);
    const page = await store.list(query);
    res.json({ ...page, limit: query.limit, offset: query.offset });
  });

  router.get('/products/:id', async (req, res) => {
    const { id } = productParams.parse(req.params);
    const product = await store.get(id);
    if (product === undefined) throw new NotFoundError(`product ${id} not found`);
    res.json(product);
  });

  router.get('/products/:id/recommendations', async (req, res) => {
    const { id } = productParams.parse(req.params);
    const { limit } = recommendationQuery.parse(req.query);
    const product = await store.get(id);
    if (product === undefined) throw new NotFoundError(`product ${id} not found`);
    const settings = deps.recommendations();
    let items: Product[] | typeof RECOMMENDATIONS_FAILED = RECOMMENDATIONS_FAILED;
    let reason = 'disabled';
    if (settings.enabled) {
      items = await withTimeout(store.related(product, limit), settings.timeoutMs);
      reason = 'unavailable';
    }
    if (items !== RECOMMENDATIONS_FAILED && items.length > 0) {
      res.json({ items, degraded: false, source: 'related' });
      return;
    }
    // the degraded answer: still useful, cheap, and marked so the client and the trace know
    const fallback = await store.sameCategory(product.category, product.id, limit);
    trace.getActiveSpan()?.addEvent('recommendations.fallback', { reason });
    fallbacks.inc({ [LABEL_DEPENDENCY]: 'recommendations' });
    logger.warn('recommendations degraded to the same-category fallback', { product_id: id, reason });
    res.json({ items: fallback, degraded: true, source: 'same-category', reason });
  });

  return router;
}
