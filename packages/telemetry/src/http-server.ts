/**
 * A lean server-side HTTP instrumentation. For each inbound request it continues the caller's trace
 * (W3C traceparent/baggage), opens one SERVER span with the stable HTTP semantic-convention
 * attributes, names it after the Express route template, and records the RED histogram with the
 * span's trace id as exemplar — all from a single `finish` listener.
 *
 * Why not the stock `@opentelemetry/instrumentation-http` for the server side: measured on 2 cores it
 * costs most of the throughput the kit budgets for telemetry (see the README's overhead table). It
 * stays in use for outbound calls, where its per-call cost is small next to the network round trip.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  context,
  propagation,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
  EXEMPLAR_SPAN_ID,
  EXEMPLAR_TRACE_ID,
  KIT_SCOPE,
  METHOD_OTHER,
  ROUTE_UNMATCHED,
  STATUS_ABORTED,
} from './conventions';
import { observeWithExemplar, type KitMetrics } from './metrics';

export interface HttpServerInstrumentationOptions {
  readonly metrics: KitMetrics;
  /** Paths (without query) that get metrics but no span: health checks and scrapes. */
  readonly untracedPaths?: readonly string[];
  /** Tracer to use; defaults to the global tracer provider's, looked up on first request. */
  readonly tracer?: Tracer;
}

const KNOWN_METHODS = new Set([
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY',
]);
const PATCHED = Symbol.for('kit.telemetry.httpServerPatched');
const errorTypes = new WeakMap<ServerResponse, string>();

/** Lets the error middleware name the exception class on the request's span and metrics. */
export function markErrorType(res: ServerResponse, errorType: string): void {
  errorTypes.set(res, errorType);
}

/** Express keeps the matched route on the request; `baseUrl` holds the mount path of routers. */
interface ExpressRequestFields {
  route?: { path?: unknown };
  baseUrl?: unknown;
}

/**
 * The low-cardinality route template of a request: the matched route, or `<mount path>/*` when a
 * middleware mounted at a fixed path answered (a proxy, a static folder), or `unmatched`.
 */
export function routeTemplate(req: IncomingMessage): string {
  const { route, baseUrl } = req as IncomingMessage & ExpressRequestFields;
  if (route === undefined || route.path === undefined) {
    return typeof baseUrl === 'string' && baseUrl !== '' ? `${baseUrl}/*` : ROUTE_UNMATCHED;
  }
  // Express also accepts arrays and regular expressions as route paths
  const path = Array.isArray(route.path)
    ? route.path.map(String).join('|')
    : route.path instanceof RegExp
      ? route.path.source
      : typeof route.path === 'string'
        ? route.path
        : ROUTE_UNMATCHED;
  const base = typeof baseUrl === 'string' ? baseUrl : '';
  const full = base + (path === '/' && base !== '' ? '' : path);
  return full === '' ? '/' : full;
}

function normaliseMethod(method: string | undefined): string {
  return method !== undefined && KNOWN_METHODS.has(method) ? method : METHOD_OTHER;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function hostOnly(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

type Emit = (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Patches `http.Server` and `https.Server` so every request is traced and measured. Returns a
 * function that removes the patch.
 */
export function instrumentHttpServers(options: HttpServerInstrumentationOptions): () => void {
  const { metrics } = options;
  const untraced = new Set(options.untracedPaths ?? []);
  let tracer = options.tracer;
  const restores: (() => void)[] = [];

  for (const proto of [http.Server.prototype, https.Server.prototype] as unknown as Record<
    string | symbol,
    unknown
  >[]) {
    if (Object.prototype.hasOwnProperty.call(proto, PATCHED)) continue;
    const hadOwnEmit = Object.prototype.hasOwnProperty.call(proto, 'emit');
    const original = proto.emit as Emit;
    const patched: Emit = function (this: http.Server, event, ...args) {
      if (event !== 'request') return original.call(this, event, ...args);
      tracer ??= trace.getTracer(KIT_SCOPE);
      return handleRequest(this, original, args, tracer, metrics, untraced);
    };
    proto.emit = patched;
    proto[PATCHED] = true;
    restores.push(() => {
      if (hadOwnEmit) proto.emit = original;
      else Reflect.deleteProperty(proto, 'emit');
      Reflect.deleteProperty(proto, PATCHED);
    });
  }
  return () => {
    for (const restore of restores.splice(0)) restore();
  };
}

function handleRequest(
  server: http.Server,
  emit: Emit,
  args: unknown[],
  tracer: Tracer,
  metrics: KitMetrics,
  untraced: ReadonlySet<string>,
): boolean {
  const req = args[0] as IncomingMessage;
  const res = args[1] as ServerResponse;
  const startedAt = performance.now();
  const method = normaliseMethod(req.method);
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  metrics.inFlight.count += 1;

  let span: Span | undefined;
  let requestContext = ROOT_CONTEXT;
  if (!untraced.has(path)) {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const socket = req.socket as typeof req.socket & { encrypted?: boolean };
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: method,
      [ATTR_URL_PATH]: path,
      [ATTR_URL_SCHEME]: socket.encrypted === true ? 'https' : 'http',
      [ATTR_CLIENT_ADDRESS]: socket.remoteAddress,
      [ATTR_SERVER_ADDRESS]: hostOnly(req.headers.host),
      [ATTR_USER_AGENT_ORIGINAL]: req.headers['user-agent'],
    };
    span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes }, parent);
    requestContext = trace.setSpan(parent, span);
    // Body chunks arrive on the connection's async context; binding the request emitter keeps the
    // request's context in body-parser callbacks and everything after them.
    if (hasBody(req)) context.bind(requestContext, req);
  }

  const onDone = (): void => {
    const route = routeTemplate(req);
    const finished = res.writableFinished;
    const status = finished ? String(res.statusCode) : STATUS_ABORTED;
    const errorType = errorTypes.get(res) ?? (res.statusCode >= 500 ? String(res.statusCode) : undefined);
    metrics.inFlight.count -= 1;
    const labels = { method, route, status_code: status };
    const value = (performance.now() - startedAt) / 1000;
    const spanContext = span?.spanContext();
    const sampled = spanContext !== undefined && (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0;
    observeWithExemplar(
      metrics.httpServerDuration,
      labels,
      value,
      sampled ? { [EXEMPLAR_TRACE_ID]: spanContext.traceId, [EXEMPLAR_SPAN_ID]: spanContext.spanId } : undefined,
    );
    if (span === undefined) return;
    if (route !== ROUTE_UNMATCHED) {
      span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.updateName(`${method} ${route}`);
    }
    if (finished) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
    if (!finished) {
      span.setAttribute(ATTR_ERROR_TYPE, STATUS_ABORTED);
    } else if (errorType !== undefined && res.statusCode >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, errorType);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
  // a response emits 'close' after 'finish', and also when the client goes away first
  res.once('close', onDone);

  return span === undefined
    ? emit.apply(server, ['request', ...args])
    : context.with(requestContext, emit, server, 'request', ...args);
}
