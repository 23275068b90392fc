/**
 * An HTTP dependency: axios calls to one upstream service under that dependency's resilience
 * policies. 5xx answers and network errors count against the upstream (retried when idempotent,
 * towards opening its circuit); 4xx answers are the upstream's verdict on the request and are
 * returned to the caller unchanged.
 */
import type { Logger } from '@kit/telemetry';
import axios, { isAxiosError, type AxiosInstance } from 'axios';
import { DependencyFailure, createDependency, type Dependency, type DependencySettings } from './dependency';

export interface HttpDependencyOptions {
  readonly name: string;
  /** e.g. `http://inventory:8083` — a name the platform resolves (compose DNS, Kubernetes Service). */
  readonly baseUrl: string;
  readonly logger: Logger;
  readonly settings?: DependencySettings;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Safe to retry: a read, or a write carrying an idempotency key the upstream honours. */
  readonly idempotent: boolean;
}

export interface HttpResponse<T> {
  readonly status: number;
  readonly data: T;
}

export interface HttpDependency extends Dependency {
  request<T>(request: HttpRequest): Promise<HttpResponse<T>>;
}

export function createHttpDependency(options: HttpDependencyOptions): HttpDependency {
  const dependency = createDependency(options.name, options.logger, options.settings);
  const client: AxiosInstance = axios.create({
    baseURL: options.baseUrl,
    validateStatus: () => true,
    headers: { Accept: 'application/json' },
    maxRedirects: 0,
  });
  return {
    ...dependency,
    request<T>(request: HttpRequest): Promise<HttpResponse<T>> {
      return dependency.execute(async (signal) => {
        let response;
        try {
          response = await client.request<T>({
            method: request.method,
            url: request.path,
            data: request.body,
            headers: request.headers ?? {},
            signal,
          });
        } catch (error) {
          const code = isAxiosError(error) ? (error.code ?? error.message) : String(error);
          throw new DependencyFailure(`request failed: ${code}`, undefined, { cause: error });
        }
        if (response.status >= 500) throw new DependencyFailure(`answered ${response.status}`, response.status);
        return { status: response.status, data: response.data };
      }, { idempotent: request.idempotent });
    },
  };
}
