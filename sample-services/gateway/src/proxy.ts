/**
 * Forwarding /api/<service>/... to a service through its resilient HTTP dependency. Reads are
 * retried; writes only when they carry an Idempotency-Key. The upstream's status and JSON body come
 * back unchanged; an unreachable upstream becomes a clear 502/503/504 from the error middleware. A
 * request the gateway cannot even send on (what it forwards — path, body, headers — came from the
 * client) is the client's fault: a 400, and never a failure of the upstream.
 */
import { LocalCallError, type HttpDependency } from '@kit/service';
import { AppError } from '@kit/telemetry';
import type { RequestHandler } from 'express';

/** Request headers a service may act on; everything else (cookies, auth) stays at the gateway. */
const FORWARDED = ['idempotency-key', 'x-request-id', 'content-type', 'x-admin-token'] as const;

export function forwardTo(upstream: HttpDependency, rewrite: (path: string) => string, options: { timeoutMs?: number } = {}): RequestHandler {
  return async (req, res) => {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED) {
      const value = req.get(name);
      if (value !== undefined) headers[name] = value;
    }
    const method = req.method as 'GET' | 'POST' | 'PUT' | 'DELETE';
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    let response;
    try {
      response = await upstream.request<unknown>({
        method,
        path: rewrite(req.path) + query,
        body: method === 'GET' || method === 'DELETE' ? undefined : req.body,
        headers,
        idempotent: method === 'GET' || headers['idempotency-key'] !== undefined,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
    } catch (error) {
      if (error instanceof LocalCallError) throw new AppError(400, 'unforwardable_request', 'the request cannot be forwarded', { cause: error });
      throw error;
    }
    if (response.retryAfter !== undefined) res.set('Retry-After', response.retryAfter);
    res.status(response.status).json(response.data);
  };
}
