/**
 * The error family every service throws. The error middleware turns any of them (and anything else
 * thrown) into `{ error: { code, message, requestId } }` with the right status; a 5xx never shows
 * the exception's text.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  /** Whether `message` may be shown to the client (false: a generic message is sent instead). */
  readonly expose: boolean;
  readonly details: unknown;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { cause?: unknown; details?: unknown; expose?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.expose = options.expose ?? status < 500;
    this.details = options.details;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'invalid_request', message, { details });
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found') {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

/**
 * Why a call to a dependency failed: refused here before reaching it (`circuit_open`, `bulkhead_full`
 * — expected while it is sick, logged per episode, not per request), or failed there.
 */
export type UpstreamReason = 'circuit_open' | 'bulkhead_full' | 'timeout' | 'unreachable' | 'failed' | 'overloaded';

/**
 * A dependency failed or is unavailable; the client may retry later. The message is a fixed phrase
 * naming the dependency (safe to show); what went wrong in detail stays in `cause`, for the log.
 */
export class UpstreamError extends AppError {
  readonly reason: UpstreamReason;
  readonly dependency: string | undefined;
  constructor(message: string, options: { cause?: unknown; status?: 502 | 503 | 504; reason?: UpstreamReason; dependency?: string } = {}) {
    super(options.status ?? 503, 'upstream_unavailable', message, { cause: options.cause, expose: true });
    this.reason = options.reason ?? 'failed';
    this.dependency = options.dependency;
  }

  /** Refused before reaching the dependency: the dependency logs these per episode, with a count. */
  get rejected(): boolean {
    return this.reason === 'circuit_open' || this.reason === 'bulkhead_full';
  }
}
