/**
 * The kit's one chaos API, at the gateway: list every service's faults, inject or cancel faults in
 * any service. Calls need `Authorization: Bearer <CHAOS_TOKEN>`; the gateway forwards them, with the
 * same token, to the service's own /chaos/faults routes (its own faults it handles itself). Control
 * calls go straight to the service, not through the data path's circuit breakers: a fault that opens
 * a circuit must never stop you from cancelling it. A target is a service's base URL, or a function
 * that answers the control call itself (the monolith dispatches it into the module in its process).
 *
 *   GET    /api/chaos                          every service's active faults, circuits and health
 *   GET    /api/chaos/fault-types              the fault types and their parameters (JSON Schema)
 *   GET    /api/chaos/:service/faults          one service's faults
 *   POST   /api/chaos/:service/faults          inject (body: a fault, e.g. {"type":"latency","ms":800})
 *   DELETE /api/chaos/:service/faults[/:id]    cancel one, or all of that service's
 */
import { bearerMatches, circuitStates, faultTypesJsonSchema, type Chaos } from '@kit/service';
import { AppError, NotFoundError } from '@kit/telemetry';
import express, { type Router } from 'express';

export interface ControlRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  /** `Authorization: Bearer <token>`, for the service's own chaos routes. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface ControlAnswer<T> {
  readonly status: number;
  readonly data: T;
}

/** Answers one chaos control call for a service (a fetch to its URL, or an in-process dispatch). */
export type ChaosControl = (request: ControlRequest) => Promise<ControlAnswer<unknown>>;

export interface ChaosApiDeps {
  readonly token: string;
  /** The gateway's own faults. */
  readonly own: Chaos;
  /** Each service behind the gateway, by name: its base URL or a control function. */
  readonly services: Readonly<Record<string, string | ChaosControl>>;
  /** The gateway's own readiness (it is answering, but may be draining or failing a check). */
  readonly ready: () => Promise<boolean>;
}

type Health = 'ready' | 'not_ready' | 'unreachable';
interface ServiceStatus {
  readonly health: Health;
  readonly faults?: unknown[];
  readonly circuits?: Record<string, string>;
  readonly error?: string;
}

/** A control call over HTTP to a service's base URL. */
export function httpChaosControl(baseUrl: string): ChaosControl {
  return async (request) => {
    const res = await fetch(`${baseUrl}${request.path}`, {
      method: request.method,
      headers: { ...request.headers, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(5_000),
    });
    const data: unknown = await res.json().catch(() => ({}));
    return { status: res.status, data };
  };
}

export function chaosApi(deps: ChaosApiDeps): Router {
  const router = express.Router();
  const auth = { authorization: `Bearer ${deps.token}` };
  const names = ['gateway', ...Object.keys(deps.services)];
  const controls: Record<string, ChaosControl> = Object.fromEntries(
    Object.entries(deps.services).map(([name, target]) => [name, typeof target === 'string' ? httpChaosControl(target) : target]),
  );

  router.use('/api/chaos', (req, _res, next) => {
    next(bearerMatches(req.headers.authorization, deps.token) ? undefined : new AppError(401, 'unauthorized', 'chaos API needs "Authorization: Bearer <CHAOS_TOKEN>"'));
  });

  const control = async <T>(service: string, request: { method: 'GET' | 'POST' | 'DELETE'; path: string; body?: unknown }): Promise<ControlAnswer<T>> => {
    const target = controls[service];
    if (target === undefined) throw new NotFoundError(`unknown service "${service}"; one of: ${names.join(', ')}`);
    try {
      return (await target({ ...request, headers: auth })) as ControlAnswer<T>;
    } catch (error) {
      throw new AppError(502, 'upstream_unreachable', `${service} is unreachable for chaos control`, { cause: error, expose: true });
    }
  };

  const health = async (service: string): Promise<Health> => {
    try {
      return (await control(service, { method: 'GET', path: '/readyz' })).status === 200 ? 'ready' : 'not_ready';
    } catch {
      return 'unreachable';
    }
  };

  const status = async (service: string): Promise<ServiceStatus> => {
    type Faults = { faults?: unknown[]; circuits?: Record<string, string> };
    const faults = control<Faults>(service, { method: 'GET', path: '/chaos/faults' }).then(
      (answer) =>
        answer.status === 200
          ? { faults: answer.data.faults ?? [], circuits: answer.data.circuits ?? {} }
          : { error: `chaos answered ${String(answer.status)} (is CHAOS_ENABLED set there?)` },
      (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
    );
    const [state, rest] = await Promise.all([health(service), faults]);
    return { health: state, ...rest };
  };

  router.get('/api/chaos', async (_req, res) => {
    const entries = await Promise.all(Object.keys(deps.services).map(async (name) => [name, await status(name)] as const));
    const own: ServiceStatus = { health: (await deps.ready()) ? 'ready' : 'not_ready', faults: deps.own.list(), circuits: circuitStates() };
    res.json({ services: Object.fromEntries([['gateway', own], ...entries]) });
  });

  router.get('/api/chaos/fault-types', (_req, res) => {
    res.json(faultTypesJsonSchema());
  });

  router.get('/api/chaos/:service/faults', async (req, res) => {
    if (req.params.service === 'gateway') {
      res.json({ faults: deps.own.list() });
      return;
    }
    const answer = await control(req.params.service, { method: 'GET', path: '/chaos/faults' });
    res.status(answer.status).json(answer.data);
  });

  router.post('/api/chaos/:service/faults', async (req, res) => {
    if (req.params.service === 'gateway') {
      res.status(201).json(deps.own.inject(req.body));
      return;
    }
    const answer = await control(req.params.service, { method: 'POST', path: '/chaos/faults', body: req.body });
    res.status(answer.status).json(answer.data);
  });

  const cancel = async (service: string, id: string | undefined): Promise<{ status: number; body: unknown }> => {
    if (service === 'gateway') {
      if (id === undefined) return { status: 200, body: { cancelled: deps.own.cancelAll() } };
      if (deps.own.cancel(id)) return { status: 200, body: { cancelled: 1 } };
      throw new NotFoundError(`no active fault ${id}`);
    }
    const path = id === undefined ? '/chaos/faults' : `/chaos/faults/${encodeURIComponent(id)}`;
    const answer = await control(service, { method: 'DELETE', path });
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
