/**
 * The one classification of a failed outbound call: who caused it. Only failures the upstream caused
 * count towards its circuit breaker, its retries and its health — a connection it refused, reset or
 * could not be reached on, a call that ran out of time, a 5xx answer, and a 429 (it is overloaded).
 * A 4xx answer is the upstream's verdict on the request, not a fault of the upstream; an error raised
 * here while building, serialising or validating the call (a body too deep for JSON.stringify, a
 * header name Node refuses, a bad URL) never reached the upstream at all. Counting either against
 * the upstream would let any client open a circuit for everybody with a crafted request.
 */
import { AppError } from '@kit/telemetry';
import { TaskCancelledError } from 'cockatiel';

/**
 * - `connection`: refused, reset, unreachable, name not resolved, or a malformed answer on the wire
 * - `timeout`: the attempt ran out of time
 * - `server_error`: a 5xx answer
 * - `overload`: a 429 answer
 * - `client_error`: any other 4xx answer (the request's fault; passed back, never counted)
 * - `local`: raised in this process before or while sending (never counted)
 */
export type FailureKind = 'connection' | 'timeout' | 'server_error' | 'overload' | 'client_error' | 'local';

const UPSTREAM_KINDS: ReadonlySet<FailureKind> = new Set(['connection', 'timeout', 'server_error', 'overload']);

/** Whether a failure of this kind is the upstream's: it counts towards the breaker, retries and health. */
export function isUpstreamKind(kind: FailureKind): boolean {
  return UPSTREAM_KINDS.has(kind);
}

/** An answer's status as a failure kind; undefined for a success (below 400). */
export function classifyStatus(status: number): FailureKind | undefined {
  if (status === 429) return 'overload';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return undefined;
}

/** Socket-level error codes (Node, libuv, undici) that mean the upstream could not be talked to. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * A failure the dependency itself caused (5xx, 429, connection refused, timeout): it counts against
 * it. Its message is for the log, never for a client.
 */
export class DependencyFailure extends Error {
  readonly kind: FailureKind;
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown; kind?: FailureKind },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DependencyFailure';
    this.kind = options?.kind ?? (status === undefined ? 'connection' : (classifyStatus(status) ?? 'server_error'));
  }
}

/**
 * An outbound call that failed in this process before the upstream could answer (building or
 * serialising it). It never counts against the upstream. To a client it is a 500 without detail,
 * unless the caller knows better (the gateway answers 400: what it forwards came from the client).
 */
export class LocalCallError extends AppError {
  constructor(
    readonly dependency: string,
    options: { cause?: unknown } = {},
  ) {
    super(500, 'internal', `call to ${dependency} could not be made`, { cause: options.cause, expose: false });
  }
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Who caused a thrown failure of an outbound call; anything not recognised as the upstream's is local. */
export function classifyError(error: unknown): FailureKind {
  if (error instanceof DependencyFailure) return error.kind;
  if (error instanceof TaskCancelledError) return 'timeout';
  if (error instanceof LocalCallError) return 'local';
  // the wrapped cause carries the socket's code (axios keeps it on the error itself)
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 4; depth += 1) {
    const code = codeOf(current);
    if (code !== undefined) {
      if (CONNECTION_CODES.has(code)) return 'connection';
      if (TIMEOUT_CODES.has(code)) return 'timeout';
      // llhttp's parse errors: the upstream sent something that is not HTTP
      if (code.startsWith('HPE_')) return 'connection';
    }
    current = current instanceof Error ? current.cause : undefined;
  }
  return 'local';
}

/** Whether a thrown failure counts against the upstream (breaker, retries, health). */
export function countsAgainstUpstream(error: unknown): boolean {
  return isUpstreamKind(classifyError(error));
}

/**
 * What a transport throws for a call that failed before an answer came: a DependencyFailure when the
 * upstream caused it, a LocalCallError otherwise. The message names the code only, never the text.
 */
export function callFailure(dependency: string, error: unknown): DependencyFailure | LocalCallError {
  const kind = classifyError(error);
  if (!isUpstreamKind(kind)) return new LocalCallError(dependency, { cause: error });
  return new DependencyFailure(`request failed: ${codeOf(error) ?? kind}`, undefined, { cause: error, kind });
}

/** What a transport throws for an answer that counts against the upstream (5xx, 429), if it does. */
export function answerFailure(status: number): DependencyFailure | undefined {
  const kind = classifyStatus(status);
  return kind !== undefined && isUpstreamKind(kind) ? new DependencyFailure(`answered ${String(status)}`, status, { kind }) : undefined;
}
