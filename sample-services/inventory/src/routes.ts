/**
 * The inventory's HTTP routes: stock lookups, reservations (create, read, release, commit) and an
 * admin route to set stock, enabled only when an admin token is configured.
 */
import {
  AppError,
  ConflictError,
  LABEL_RESULT,
  METRIC_INVENTORY_RESERVATIONS,
  METRIC_INVENTORY_TRANSITIONS,
  NotFoundError,
  serviceCounter,
  type Logger,
} from '@kit/telemetry';
import { sameSecret } from '@kit/service';
import { trace } from '@opentelemetry/api';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { InventoryStore } from './store';

export interface InventoryDeps {
  readonly store: InventoryStore;
  readonly logger: Logger;
  /** Admin routes exist only when this is set. */
  readonly adminToken?: string | undefined;
}

const productParams = z.object({ productId: z.string().regex(/^p-\d{3}$/, 'must look like p-001') });
const reservationParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _') });
const reserveBody = z
  .object({
    reservationId: reservationParams.shape.id,
    items: z
      .array(
        z.object({ productId: productParams.shape.productId, quantity: z.number().int().min(1).max(100) }).strict(),
      )
      .min(1)
      .max(50),
  })
  .strict();
const stockBody = z.object({ available: z.number().int().min(0).max(1_000_000) }).strict();

function requireAdmin(token: string): RequestHandler {
  return (req, _res, next) => {
    const given = req.get('x-admin-token');
    if (given === undefined || !sameSecret(given, token)) throw new AppError(401, 'unauthorized', 'admin token missing or wrong');
    next();
  };
}

export function inventoryRouter(deps: InventoryDeps): Router {
  const { store, logger } = deps;
  const router = Router();
  const reservations = serviceCounter(METRIC_INVENTORY_RESERVATIONS, 'Reservation attempts by result.', [LABEL_RESULT]);
  const transitions = serviceCounter(METRIC_INVENTORY_TRANSITIONS, 'Reservations released or committed, by result.', [LABEL_RESULT]);

  router.get('/stock/:productId', async (req, res) => {
    const { productId } = productParams.parse(req.params);
    const available = await store.available(productId);
    if (available === undefined) throw new NotFoundError(`product ${productId} is not stocked`);
    res.json({ productId, available });
  });

  router.post('/reservations', async (req, res) => {
    const { reservationId, items } = reserveBody.parse(req.body);
    const result = await store.reserve(reservationId, items);
    const span = trace.getActiveSpan();
    if (!result.ok) {
      reservations.inc({ result: 'insufficient' });
      span?.addEvent('inventory.insufficient_stock', { 'kit.product.id': result.productId, 'kit.stock.available': result.available });
      throw new AppError(409, 'insufficient_stock', `only ${result.available} of ${result.productId} available`, {
        details: { productId: result.productId, available: result.available },
      });
    }
    reservations.inc({ result: result.replayed ? 'replayed' : 'reserved' });
    if (!result.replayed) logger.info('stock reserved', { reservation_id: reservationId, lines: items.length });
    res.status(result.replayed ? 200 : 201).json(result.reservation);
  });

  router.get('/reservations/:id', async (req, res) => {
    const { id } = reservationParams.parse(req.params);
    const reservation = await store.get(id);
    if (reservation === undefined) throw new NotFoundError(`reservation ${id} not found`);
    res.json(reservation);
  });

  for (const [verb, status] of [
    ['release', 'released'],
    ['commit', 'committed'],
  ] as const) {
    router.post(`/reservations/:id/${verb}`, async (req, res) => {
      const { id } = reservationParams.parse(req.params);
      const result = await store.end(id, status);
      if (!result.ok) {
        transitions.inc({ result: result.reason });
        if (result.reason === 'unknown') throw new NotFoundError(`reservation ${id} not found`);
        throw new ConflictError(`reservation ${id} is already ${result.status ?? 'ended'}`);
      }
      transitions.inc({ result: result.changed ? status : 'replayed' });
      if (result.changed) logger.info(`reservation ${status}`, { reservation_id: id });
      res.json(result.reservation);
    });
  }

  if (deps.adminToken !== undefined) {
    router.put('/admin/stock/:productId', requireAdmin(deps.adminToken), async (req, res) => {
      const { productId } = productParams.parse(req.params);
      const { available } = stockBody.parse(req.body);
      await store.setAvailable(productId, available);
      logger.info('stock set by admin', { product_id: productId, available });
      res.json({ productId, available });
    });
  }
  return router;
}
