/**
 * The kit's one chaos API, at the gateway: list every service's faults, inject or cancel faults in
 * any service. Calls need `Authorization: Bearer <CHAOS_TOKEN>`; the gateway forwards them, with the
 * same token, to the service's own /chaos/faults routes (its own faults it handles itself).
 *
 *   GET    /api/chaos                          every service's active faults
 *   GET    /api/chaos/:service/faults          one service's faults
 *   POST   /api/chaos/:service/faults          inject (body: a fault, e.g. {"type":"latency","ms":800})
 *   DELETE /api/chaos/:service/faults[/:id]    cancel one, or all of that service's
 */
import { bearerMatches, type Chaos, type HttpDependency } from '@kit/service';
import { AppError, NotFoundError } from '@kit/telemetry';
import express, { type Router } from 'express';

export interface ChaosApiDeps {
  readonly token: string;
  /** The gateway's own faults. */
  readonly own: Chaos;
  /** The services behind the gateway, by name. */
  readonly services: Readonly<Record<string, HttpDependency>>;
}

export function chaosApi(deps: ChaosApiDeps): Router {
  const router = express.Router();
  const auth = { authorization: `Bearer ${deps.token}` };
  const names = ['gateway', ...Object.keys(deps.services)];

  router.use('/api/chaos', (req, _res, next) => {
    next(bearerMatches(req.headers.authorization, deps.token) ? undefined : new AppError(401, 'unauthorized', 'chaos API needs "Authorization: Bearer <CHAOS_TOKEN>"'));
  });

  const upstream = (service: string): HttpDependency => {
    const found = deps.services[service];
    if (found === undefined) throw new NotFoundError(`unknown service "${service}"; one of: ${names.join(', ')}`);
    return found;
  };

  router.get('/api/chaos', async (_req, res) => {
    const entries = await Promise.all(
      Object.entries(deps.services).map(async ([name, service]) => {
        try {
          const answer = await service.request<{ faults?: unknown[] }>({ method: 'GET', path: '/chaos/faults', headers: auth, idempotent: true });
          const state: { faults: unknown[] } | { error: string } =
            answer.status === 200 ? { faults: answer.data.faults ?? [] } : { error: `chaos answered ${String(answer.status)} (is CHAOS_ENABLED set there?)` };
          return [name, state] as const;
        } catch (error) {
          const state: { error: string } = { error: error instanceof Error ? error.message : String(error) };
          return [name, state] as const;
        }
      }),
    );
    const services: Record<string, { faults: unknown[] } | { error: string }> = { gateway: { faults: deps.own.list() } };
    for (const [name, state] of entries) services[name] = state;
    res.json({ services });
  });

  router.get('/api/chaos/:service/faults', async (req, res) => {
    if (req.params.service === 'gateway') {
      res.json({ faults: deps.own.list() });
      return;
    }
    const answer = await upstream(req.params.service).request<unknown>({ method: 'GET', path: '/chaos/faults', headers: auth, idempotent: true });
    res.status(answer.status).json(answer.data);
  });

  router.post('/api/chaos/:service/faults', async (req, res) => {
    if (req.params.service === 'gateway') {
      res.status(201).json(deps.own.inject(req.body));
      return;
    }
    const answer = await upstream(req.params.service).request<unknown>({ method: 'POST', path: '/chaos/faults', body: req.body, headers: auth, idempotent: false });
    res.status(answer.status).json(answer.data);
  });

  const cancel = async (service: string, id: string | undefined): Promise<{ status: number; body: unknown }> => {
    if (service === 'gateway') {
      if (id === undefined) return { status: 200, body: { cancelled: deps.own.cancelAll() } };
      if (deps.own.cancel(id)) return { status: 200, body: { cancelled: 1 } };
      throw new NotFoundError(`no active fault ${id}`);
    }
    const path = id === undefined ? '/chaos/faults' : `/chaos/faults/${encodeURIComponent(id)}`;
    const answer = await upstream(service).request<unknown>({ method: 'DELETE', path, headers: auth, idempotent: true });
    return { status: answer.status, body: answer.data };
  };
  router.delete('/api/chaos/:service/faults', async (req, res) => {
    const { status, body } = await cancel(req.params.service, undefined);
    res.status(status).json(body);
  });
  router.delete('/api/chaos/:service/faults/:id', async (req, res) => {
    const { status, body } = await cancel(req.params.service, req.params.id);
    res.status(status).json(body);
  });
  return router;
}
