/**
 * Chaos over HTTP: the request faults as Express middleware, and the guarded chaos routes
 * (GET/POST/DELETE /chaos/faults). The routes exist only when the service enables chaos, and every
 * call must carry `Authorization: Bearer <token>`, compared in constant time.
 */
import { AppError, NotFoundError } from '@kit/telemetry';
import { circuitStates } from './dependency';
import { jsonBody } from './json-body';
import express, { type RequestHandler, type Router } from 'express';
import type { Chaos } from './chaos';
import { bearerMatches } from './secret';

/** Applies latency, error, exception and hang faults to the requests they match. */
export function chaosMiddleware(chaos: Chaos): RequestHandler {
  return (req, res, next) => {
    const effect = chaos.requestEffect(req.path);
    if (effect === undefined) {
      next();
      return;
    }
    // a hang accepts the request and never answers (the client's timeout is what ends it)
    if (effect.hang) return;
    const act = () => {
      if (effect.status !== undefined) {
        res.status(effect.status).json({ error: { code: 'chaos_injected', message: `chaos: injected ${String(effect.status)}` } });
        return;
      }
      if (effect.exception !== undefined) {
        next(new Error(effect.exception));
        return;
      }
      next();
    };
    if (effect.delayMs > 0) setTimeout(act, effect.delayMs);
    else act();
  };
}

export function chaosRouter(chaos: Chaos, token: string): Router {
  const router = express.Router();
  router.use('/chaos', (req, _res, next) => {
    next(bearerMatches(req.headers.authorization, token) ? undefined : new AppError(401, 'unauthorized', 'chaos routes need "Authorization: Bearer <CHAOS_TOKEN>"'));
  });
  router.get('/chaos/faults', (_req, res) => {
    // the circuits ride along so one call shows a fault and what it did to this service's calls
    res.json({ faults: chaos.list(), circuits: circuitStates() });
  });
  router.post('/chaos/faults', jsonBody({ size: '8kb' }), (req, res) => {
    res.status(201).json(chaos.inject(req.body));
  });
  router.delete('/chaos/faults', (_req, res) => {
    res.json({ cancelled: chaos.cancelAll() });
  });
  router.delete('/chaos/faults/:id', (req, res) => {
    if (!chaos.cancel(req.params.id)) throw new NotFoundError(`no active fault ${req.params.id}`);
    res.json({ cancelled: 1 });
  });
  return router;
}
