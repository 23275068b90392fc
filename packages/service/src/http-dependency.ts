/**
 * An HTTP dependency: axios calls to one upstream service under that dependency's resilience
 * policies. 5xx answers and network errors count against the upstream (retried when idempotent,
 * towards opening its circuit); 4xx answers are the upstream's verdict on the request and are
 * returned to the caller unchanged.
 */
import { lookup } from 'node:dns/promises';
import type { Logger } from '@kit/telemetry';
import axios, { isAxiosError, type AxiosInstance } from 'axios';
import { DeadlineExceededError, HEADER_DEADLINE_MS, isDeadlineAnswer } from './deadline';
import { DependencyFailure, createDependency, type Dependency, type DependencySettingsSource } from './dependency';

export interface HttpDependencyOptions {
  readonly name: string;
  /** e.g. `http://inventory:8083` — a name the platform resolves (compose DNS, Kubernetes Service). */
  readonly baseUrl: string;
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

/** Round-robin over the upstream's addresses, re-resolved every `everyMs`; the name itself on failure. */
function addressPicker(baseUrl: string, resolve: (host: string) => Promise<string[]>, everyMs: number): () => Promise<string> {
  const url = new URL(baseUrl);
  let addresses: string[] = [];
  let resolvedAt = 0;
  let next = 0;
  return async () => {
    if (Date.now() - resolvedAt > everyMs) {
      resolvedAt = Date.now();
      addresses = await resolve(url.hostname).catch(() => addresses);
    }
    if (addresses.length === 0) return url.origin;
    next = (next + 1) % addresses.length;
    return `${url.protocol}//${addresses[next] ?? url.hostname}${url.port === '' ? '' : `:${url.port}`}`;
  };
}

export function createHttpDependency(options: HttpDependencyOptions): HttpDependency {
  const dependency = createDependency(options.name, options.logger, options.settings);
  const pick = options.spread === true ? addressPicker(options.baseUrl, options.resolve ?? resolveAll, options.resolveEveryMs ?? 5_000) : undefined;
  const host = new URL(options.baseUrl).host;
  const client: AxiosInstance = axios.create({
    baseURL: options.baseUrl,
    validateStatus: () => true,
    headers: { Accept: 'application/json' },
    maxRedirects: 0,
  });
  return {
    ...dependency,
    request<T>(request: HttpRequest): Promise<HttpResponse<T>> {
      return dependency.execute(async (signal, budgetMs) => {
        let response;
        try {
          const origin = pick === undefined ? undefined : await pick();
          // the upstream gets this attempt's budget as its deadline: past it, nobody waits for its answer
          const headers = { ...request.headers, [HEADER_DEADLINE_MS]: String(budgetMs) };
          response = await client.request<T>({
            method: request.method,
            // an absolute URL to one replica's address; the Host header keeps the service's name
            url: origin === undefined ? request.path : `${origin}${request.path}`,
            data: request.body,
            headers: origin === undefined ? headers : { ...headers, Host: host },
            signal,
          });
        } catch (error) {
          const code = isAxiosError(error) ? (error.code ?? error.message) : String(error);
          throw new DependencyFailure(`request failed: ${code}`, undefined, { cause: error });
        }
        // the upstream ran out of the time we gave it: our deadline, not its failure
        if (isDeadlineAnswer(response.status, response.data)) throw new DeadlineExceededError();
        if (response.status >= 500) throw new DependencyFailure(`answered ${response.status}`, response.status);
        const retryAfter: unknown = response.headers['retry-after'];
        // passed on only as whole seconds, never as arbitrary text
        const passOn = typeof retryAfter === 'string' && /^\d{1,6}$/.test(retryAfter) ? { retryAfter } : {};
        return { status: response.status, data: response.data, ...passOn };
      }, { idempotent: request.idempotent, ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }) });
    },
  };
}
