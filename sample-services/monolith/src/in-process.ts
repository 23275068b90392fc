/**
 * In-process calls between the monolith's modules.
 *
 * Why an in-process `HttpDependency` and not typed ports (`catalog.getProduct(id)`): orders' checkout
 * and the gateway's routes already depend on `HttpDependency`, and each module's public contract is
 * its Express app — validation (400/422), status codes (404, 409, 402), idempotency keys, its chaos
 * faults, its request log. Dispatching a request object straight into that app (light-my-request:
 * no socket, no port, no serialisation over a wire) keeps every consumer and every module unchanged
 * and guarantees both modes run the same code behind the same contract; typed ports would need a
 * second implementation per call that could drift from the HTTP one. What the monolith saves is the
 * network hop, the connection handling and the second process; what it keeps is the JSON encoding of
 * the message, the cheap part.
 *
 * Resilience stays meaningful: the same policies wrap every in-process call (one set per module,
 * shared by every caller in the process). The per-attempt timeout still applies — a module that
 * hangs (a `hang` or `latency` fault) fails the caller after its budget — and the breaker still opens
 * after consecutive 5xx or timeouts, so a sick module is cut off instead of holding every request.
 * What no policy can contain in one process is a module that burns the shared CPU, leaks the shared
 * heap or exits: that is the monolith's blast radius (see the README's comparison).
 *
 * Each call is an INTERNAL span named after the module and its route (`payments POST /charges`),
 * and runs in its module's scope, so the module's chaos faults (database, dependency partitions)
 * apply to its own work only.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  DeadlineExceededError,
  HEADER_DEADLINE_MS,
  answerFailure,
  callFailure,
  createDependency,
  isDeadlineAnswer,
  type Chaos,
  type DependencySettings,
  type HttpDependency,
  type HttpRequest,
  type HttpResponse,
} from '@kit/service';
import { ATTR_KIT_DEPENDENCY, ATTR_KIT_MODULE, routeTemplate, type Logger } from '@kit/telemetry';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Express } from 'express';
import inject from 'light-my-request';

/**
 * Makes a module's Express app injectable without touching any other app. light-my-request adapts
 * an Express app by re-parenting the prototype its `app.request` / `app.response` inherit from; for
 * a plain Express app that prototype is Express's own, shared by every app in the process — the
 * public layer serving real sockets included. Here each module app gets its own copy of it first,
 * so the re-parenting stays inside the module.
 */
export function injectable(app: Express): Express {
  for (const own of [app.request, app.response] as object[]) {
    const shared = Object.getPrototypeOf(own) as object;
    const base = Object.getPrototypeOf(shared) as object;
    Object.setPrototypeOf(own, Object.create(base, Object.getOwnPropertyDescriptors(shared)) as object);
  }
  return app;
}

/** Which module the current work belongs to (requests at the public layer belong to none). */
export interface ModuleScope {
  run<T>(module: string, work: () => T): T;
  current(): string | undefined;
}

export function createModuleScope(): ModuleScope {
  const storage = new AsyncLocalStorage<string>();
  return {
    run: (module, work) => storage.run(module, work),
    current: () => storage.getStore(),
  };
}

export interface InProcessAnswer {
  readonly status: number;
  readonly data: unknown;
  readonly retryAfter?: string;
}

const tracer = trace.getTracer('@kit/monolith');

/**
 * One request dispatched into a module's app inside an INTERNAL span and the module's scope. The
 * answer's JSON body is parsed; a body that is not JSON comes back as its text.
 */
export async function dispatchInto(
  module: string,
  app: Express,
  scope: ModuleScope,
  request: Pick<HttpRequest, 'method' | 'path' | 'body' | 'headers'>,
  signal?: AbortSignal,
): Promise<InProcessAnswer> {
  return tracer.startActiveSpan(`${module} ${request.method}`, { kind: SpanKind.INTERNAL, attributes: { [ATTR_KIT_MODULE]: module, [ATTR_KIT_DEPENDENCY]: module, 'http.request.method': request.method } }, async (span) => {
    try {
      const answer = await scope.run(module, () =>
        inject(
          // the app itself, made injectable by `injectable` (a wrapper function would lose the adapter)
          app,
          {
            method: request.method,
            url: request.path,
            headers: { accept: 'application/json', ...request.headers },
            ...(request.body === undefined ? {} : { payload: request.body as object }),
            ...(signal === undefined ? {} : { signal }),
          },
        ),
      );
      const route = routeTemplate(answer.raw.req);
      span.updateName(`${module} ${request.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', answer.statusCode);
      if (answer.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `${module} answered ${String(answer.statusCode)}` });
      let data: unknown = answer.payload;
      try {
        data = answer.payload === '' ? undefined : JSON.parse(answer.payload);
      } catch {
        // not JSON: keep the text
      }
      const retryAfter = answer.headers['retry-after'];
      return { status: answer.statusCode, data, ...(typeof retryAfter === 'string' && /^\d{1,6}$/.test(retryAfter) ? { retryAfter } : {}) };
    } catch (error) {
      span.recordException(error instanceof Error ? error : new Error(String(error)));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

export interface InProcessDependencyOptions {
  /** The module's name: the dependency label on the resilience metrics, as in the services mode. */
  readonly name: string;
  /** The module's app, made `injectable`. */
  readonly app: Express;
  readonly scope: ModuleScope;
  readonly logger: Logger;
  readonly settings?: DependencySettings;
}

/**
 * The in-process twin of `createHttpDependency`: the same interface and the same policies, with the
 * request dispatched into the module instead of sent over a socket. A 5xx answer counts against the
 * module (retried when idempotent, towards opening its circuit), and so does a 429; 4xx answers go
 * back unchanged; a call that fails here before the module runs (failure.ts) never counts.
 */
export function createInProcessDependency(options: InProcessDependencyOptions): HttpDependency {
  const dependency = createDependency(options.name, options.logger, options.settings);
  return {
    ...dependency,
    request<T>(request: HttpRequest): Promise<HttpResponse<T>> {
      return dependency.execute(async (signal, budgetMs) => {
        let answer: InProcessAnswer;
        try {
          // the module's own deadline middleware reads this, as a service reads it off the wire
          const headers = { ...request.headers, [HEADER_DEADLINE_MS]: String(budgetMs) };
          answer = await dispatchInto(options.name, options.app, options.scope, { ...request, headers }, signal);
        } catch (error) {
          // nothing crosses a wire here: what throws is local (a payload that cannot be serialised)
          throw callFailure(options.name, error);
        }
        if (isDeadlineAnswer(answer.status, answer.data)) throw new DeadlineExceededError();
        const failure = answerFailure(answer.status);
        if (failure !== undefined) throw failure;
        return { status: answer.status, data: answer.data as T, ...(answer.retryAfter === undefined ? {} : { retryAfter: answer.retryAfter }) };
      }, { idempotent: request.idempotent, ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }) });
    },
  };
}

/**
 * The process's chaos, seen through the module scope: the hooks below the apps (dependency
 * partitions, slow databases, the broker partition) consult the faults of the module whose work is
 * running, so a database fault injected into catalog slows catalog's queries and not orders'.
 * Work outside any module (the public layer) sees the public layer's own faults.
 */
export function scopedChaos(scope: ModuleScope, byModule: Readonly<Record<string, Chaos>>, outside: Chaos): Chaos {
  const active = () => byModule[scope.current() ?? ''] ?? outside;
  return {
    inject: (input) => active().inject(input),
    list: () => active().list(),
    cancel: (id) => active().cancel(id),
    cancelAll: () => active().cancelAll(),
    requestEffect: (path) => active().requestEffect(path),
    dependencyFault: (target) => active().dependencyFault(target),
    databaseDelayMs: () => active().databaseDelayMs(),
    stalled: () => active().stalled(),
    onStall: (listener) => {
      active().onStall(listener);
    },
    close: () => {
      for (const chaos of [outside, ...Object.values(byModule)]) chaos.close();
    },
  };
}
