/**
 * An HTTP dependency: axios calls to one upstream service under that dependency's resilience
 * policies. What counts against the upstream is decided in failure.ts: 5xx and 429 answers, network
 * errors and timeouts (retried when idempotent, towards opening its circuit); 4xx answers are the
 * upstream's verdict on the request and are returned to the caller unchanged; an error raised here
 * while building or serialising the call (LocalCallError) never touches the circuit.
 *
 * An upstream may have several addresses (a list of base URLs, or every address its name resolves
 * to with `spread`). Calls go round-robin; an address whose connection failed is skipped for a short
 * while, and a refused connection is tried again on the next address at once, within the same
 * attempt: it never reached the application, so that is safe even for a write. One dead replica
 * therefore neither fails calls nor opens the dependency's circuit.
 */
import { lookup } from 'node:dns/promises';
import type { Logger } from '@kit/telemetry';
import axios, { isAxiosError, type AxiosInstance } from 'axios';
import { DeadlineExceededError, HEADER_DEADLINE_MS, isDeadlineAnswer } from './deadline';
import { createDependency, type Dependency, type DependencySettingsSource } from './dependency';
import { DependencyFailure, answerFailure, callFailure } from './failure';

export interface HttpDependencyOptions {
  readonly name: string;
  /**
   * e.g. `http://inventory:8083` — a name the platform resolves (compose DNS, Kubernetes Service) —
   * or several base URLs of one upstream's replicas (natively there is no name with two addresses).
   */
  readonly baseUrl: string | readonly string[];
  readonly logger: Logger;
  /** Fixed settings, or a live source (runtime configuration): see DependencySettingsSource. */
  readonly settings?: DependencySettingsSource;
  /**
   * Spread calls over every address the upstream's name resolves to (several replicas behind one
   * compose or headless-Service name); a kept-alive connection to one address would pin them all.
   */
  readonly spread?: boolean;
  /** Name resolution, replaceable in tests; every address of `host`. */
  readonly resolve?: (host: string) => Promise<string[]>;
  /** How long resolved addresses are reused. */
  readonly resolveEveryMs?: number;
  /** How long an address whose connection failed is skipped while others remain (default 1 s). */
  readonly skipFailedMs?: number;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Safe to retry: a read, or a write carrying an idempotency key the upstream honours. */
  readonly idempotent: boolean;
  /** This call's attempt budget instead of the dependency's timeout (a route whose deadline is longer). */
  readonly timeoutMs?: number;
}

export interface HttpResponse<T> {
  readonly status: number;
  readonly data: T;
  /** The upstream's Retry-After, when it sent one (a 409 for a checkout in progress, a 503 shed). */
  readonly retryAfter?: string;
}

export interface HttpDependency extends Dependency {
  request<T>(request: HttpRequest): Promise<HttpResponse<T>>;
}

const resolveAll = async (host: string) => (await lookup(host, { all: true })).map((entry) => (entry.family === 6 ? `[${entry.address}]` : entry.address));

/** Connection errors: the call never got an answer from this address. */
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT']);

/** The addresses of one upstream, each with when it may be tried again after a connection failure. */
export interface AddressPicker {
  /** Every address to try for one call, in order: the next in turn first, skipped ones last. */
  order(): Promise<string[]>;
  /** A connection to `origin` failed: put it last for a while. */
  failed(origin: string): void;
  /** `origin` answered: it is in rotation again. */
  answered(origin: string): void;
}

/**
 * Round-robin over origins, each skipped for `skipMs` after a connection failure (tried last, not
 * never: when every address failed, the call still goes somewhere). `origins` is asked on every call
 * and may change (re-resolved names).
 */
export function addressPicker(origins: () => Promise<readonly string[]>, skipMs = 1_000): AddressPicker {
  const skipUntil = new Map<string, number>();
  let next = 0;
  return {
    async order() {
      const all = await origins();
      if (all.length <= 1) return [...all];
      next = (next + 1) % all.length;
      const rotated = [...all.slice(next), ...all.slice(0, next)];
      const now = Date.now();
      const usable = rotated.filter((origin) => (skipUntil.get(origin) ?? 0) <= now);
      const skipped = rotated.filter((origin) => (skipUntil.get(origin) ?? 0) > now).sort((a, b) => (skipUntil.get(a) ?? 0) - (skipUntil.get(b) ?? 0));
      return [...usable, ...skipped];
    },
    failed(origin) {
      skipUntil.set(origin, Date.now() + skipMs);
    },
    answered(origin) {
      skipUntil.delete(origin);
    },
  };
}

/** The origins of a base URL: every address its name resolves to, re-resolved every `everyMs`; the name itself on failure. */
function resolvedOrigins(baseUrl: string, resolve: (host: string) => Promise<string[]>, everyMs: number): () => Promise<readonly string[]> {
  const url = new URL(baseUrl);
  let origins: string[] = [];
  let resolvedAt = 0;
  return async () => {
    if (Date.now() - resolvedAt > everyMs) {
      resolvedAt = Date.now();
      const addresses = await resolve(url.hostname).catch(() => undefined);
      if (addresses !== undefined) origins = addresses.map((address) => `${url.protocol}//${address}${url.port === '' ? '' : `:${url.port}`}`);
    }
    return origins.length === 0 ? [url.origin] : origins;
  };
}

function errorCode(error: unknown): string | undefined {
  if (!isAxiosError(error)) return undefined;
  const cause: unknown = error.cause;
  const causeCode = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  return error.code !== undefined && CONNECTION_ERRORS.has(error.code) ? error.code : causeCode;
}

export function createHttpDependency(options: HttpDependencyOptions): HttpDependency {
  const dependency = createDependency(options.name, options.logger, options.settings);
  const baseUrls = typeof options.baseUrl === 'string' ? [options.baseUrl] : [...options.baseUrl];
  const first = baseUrls[0];
  if (first === undefined) throw new Error(`${options.name}: no base URL`);
  // several base URLs: each is one replica, reached as given; one name with spread: its addresses,
  // with the Host header keeping the name
  const resolving = options.spread === true && baseUrls.length === 1;
  const origins = resolving ? resolvedOrigins(first, options.resolve ?? resolveAll, options.resolveEveryMs ?? 5_000) : () => Promise.resolve(baseUrls.map((url) => url.replace(/\/+$/, '')));
  const picker = addressPicker(origins, options.skipFailedMs);
  const host = new URL(first).host;
  const client: AxiosInstance = axios.create({
    validateStatus: () => true,
    headers: { Accept: 'application/json' },
    maxRedirects: 0,
  });
  return {
    ...dependency,
    request<T>(request: HttpRequest): Promise<HttpResponse<T>> {
      return dependency.execute(async (signal, budgetMs) => {
        let response;
        const order = await picker.order();
        // the upstream gets this attempt's budget as its deadline: past it, nobody waits for its answer
        const headers = { ...request.headers, [HEADER_DEADLINE_MS]: String(budgetMs) };
        for (const [index, origin] of order.entries()) {
          try {
            response = await client.request<T>({
              method: request.method,
              url: `${origin}${request.path}`,
              data: request.body,
              headers: resolving ? { ...headers, Host: host } : headers,
              signal,
            });
            picker.answered(origin);
            break;
          } catch (error) {
            const code = errorCode(error);
            if (code !== undefined) picker.failed(origin);
            // refused: nothing reached the upstream, so the next address may take the call at once
            if (code === 'ECONNREFUSED' && index < order.length - 1 && !signal.aborted) continue;
            throw callFailure(options.name, error);
          }
        }
        if (response === undefined) throw new DependencyFailure(`${options.name} has no address to call`);
        // the upstream ran out of the time we gave it: our deadline, not its failure
        if (isDeadlineAnswer(response.status, response.data)) throw new DeadlineExceededError();
        const failure = answerFailure(response.status);
        if (failure !== undefined) throw failure;
        const retryAfter: unknown = response.headers['retry-after'];
        // passed on only as whole seconds, never as arbitrary text
        const passOn = typeof retryAfter === 'string' && /^\d{1,6}$/.test(retryAfter) ? { retryAfter } : {};
        return { status: response.status, data: response.data, ...passOn };
      }, { idempotent: request.idempotent, ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }) });
    },
  };
}
