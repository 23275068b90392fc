/**
 * The JSON body parser every kit service (and the gateway first) puts in front of its routes: it
 * rejects a hostile body at the edge, before any work is done with it. On top of the size limit it
 * bounds the body's shape — nesting depth, the length of any one string, the elements of any one
 * array and the keys of any one object — with one linear scan over the raw bytes before JSON.parse
 * (nothing recursive ever touches an unchecked body, so a body nested 10,000 levels deep costs a
 * scan of its first 33 brackets, not a stack overflow later in JSON.stringify). A body must be UTF-8
 * JSON: another content type is a 415, invalid UTF-8 or invalid JSON a 400. Every refusal is a JSON
 * error naming the limit it broke, e.g. `{ "error": { "code": "body_too_deep", ... } }`.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { AppError } from '@kit/telemetry';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';

/** The limits of a JSON body; valid traffic (checkout, admin config, chaos faults) is far below each. */
export interface JsonBodyLimits {
  /** Largest body in bytes, as body-parser understands it (`'32kb'`) or a number. */
  readonly size: string | number;
  /** Deepest nesting of objects and arrays (a flat object is depth 1). */
  readonly depth: number;
  /** Longest string (key or value), in bytes as sent, escapes included. */
  readonly stringBytes: number;
  /** Most elements in any one array. */
  readonly arrayLength: number;
  /** Most keys in any one object. */
  readonly objectKeys: number;
}

/**
 * The kit's limits, in one place. A checkout is depth 3 with a few dozen short strings; the largest
 * admin config and chaos fault bodies are depth 2–3 with under 30 keys.
 */
export const DEFAULT_JSON_LIMITS: JsonBodyLimits = {
  size: '32kb',
  depth: 32,
  stringBytes: 4_096,
  arrayLength: 1_000,
  objectKeys: 256,
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** A body that breaks one of the shape limits: a 400 naming it. */
export class BodyLimitError extends AppError {
  constructor(code: string, message: string) {
    super(400, code, message);
  }
}

/**
 * Checks the shape limits on raw JSON bytes in one pass, without parsing. Syntax is not checked here
 * (JSON.parse does that after); structural characters are ASCII, and UTF-8 never uses ASCII bytes
 * inside a multi-byte character, so scanning bytes is exact. Throws BodyLimitError on the first
 * limit broken, and stops there.
 */
export function checkJsonShape(body: Uint8Array, limits: Omit<JsonBodyLimits, 'size'>): void {
  // per open container: whether it is an array, and how many commas it has seen (elements - 1)
  const isArray = new Uint8Array(limits.depth + 2);
  const commas = new Uint32Array(limits.depth + 2);
  let depth = 0;
  let inString = false;
  let escaped = false;
  let stringBytes = 0;
  for (let i = 0; i < body.length; i += 1) {
    const byte = body[i] as number;
    if (inString) {
      if (escaped) escaped = false;
      else if (byte === BACKSLASH) escaped = true;
      else if (byte === QUOTE) {
        inString = false;
        continue;
      }
      stringBytes += 1;
      if (stringBytes > limits.stringBytes) throw new BodyLimitError('body_string_too_long', `JSON string longer than ${String(limits.stringBytes)} bytes`);
      continue;
    }
    switch (byte) {
      case QUOTE:
        inString = true;
        stringBytes = 0;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        depth += 1;
        if (depth > limits.depth) throw new BodyLimitError('body_too_deep', `JSON nesting deeper than ${String(limits.depth)} levels`);
        isArray[depth] = byte === OPEN_ARRAY ? 1 : 0;
        commas[depth] = 0;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (depth > 0) depth -= 1;
        break;
      case COMMA: {
        if (depth === 0) break;
        const elements = (commas[depth] as number) + 2;
        commas[depth] = elements - 1;
        if (isArray[depth] === 1 && elements > limits.arrayLength) throw new BodyLimitError('body_array_too_long', `JSON array longer than ${String(limits.arrayLength)} elements`);
        if (isArray[depth] === 0 && elements > limits.objectKeys) throw new BodyLimitError('body_too_many_keys', `JSON object with more than ${String(limits.objectKeys)} keys`);
        break;
      }
      default:
        break;
    }
  }
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The JSON types accepted: application/json and application/*+json. */
const isJsonType = (req: express.Request) => req.is(['application/json', 'application/*+json']) !== false;

/** What body-parser's refusals become: fixed messages, codes naming the limit, never parser text. */
function bodyParserError(error: unknown, limits: JsonBodyLimits): unknown {
  if (error instanceof AppError) return error;
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  switch (type) {
    case 'entity.parse.failed':
      return new AppError(400, 'invalid_json', 'request body is not valid JSON (an object or an array)', { cause: error });
    case 'entity.too.large':
      return new AppError(413, 'body_too_large', `request body larger than ${String(limits.size)}`, { cause: error });
    case 'request.size.invalid':
      return new AppError(400, 'invalid_content_length', 'request body length does not match Content-Length', { cause: error });
    case 'request.aborted':
      return new AppError(400, 'request_aborted', 'request body was not sent in full', { cause: error });
    case 'encoding.unsupported':
      return new AppError(415, 'unsupported_encoding', 'request body must be identity, gzip or deflate encoded', { cause: error });
    case 'charset.unsupported':
      return new AppError(415, 'unsupported_charset', 'request body must be UTF-8 JSON', { cause: error });
    default:
      return error;
  }
}

/**
 * The body parser: a router to `app.use(...)` before the routes. Requests without a body
 * pass untouched; a body must be UTF-8 JSON within `limits` (defaults: DEFAULT_JSON_LIMITS).
 */
export function jsonBody(overrides: Partial<JsonBodyLimits> = {}): Router {
  const limits: JsonBodyLimits = { ...DEFAULT_JSON_LIMITS, ...overrides };
  const contentType: RequestHandler = (req, _res, next) => {
    if (!hasBody(req) || req.body !== undefined) {
      next();
      return;
    }
    if (!isJsonType(req)) {
      next(new AppError(415, 'unsupported_media_type', 'request body must be application/json'));
      return;
    }
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      next(new AppError(415, 'unsupported_charset', 'request body must be UTF-8 JSON'));
      return;
    }
    next();
  };
  const parse = express.json({
    limit: limits.size,
    strict: true,
    type: ['application/json', 'application/*+json'],
    verify: (_req, _res, buffer) => {
      if (!isUtf8(buffer)) throw new AppError(400, 'invalid_utf8', 'request body is not valid UTF-8');
      checkJsonShape(buffer, limits);
    },
  });
  const refusal: ErrorRequestHandler = (error, _req, _res, next) => {
    next(bodyParserError(error, limits));
  };
  const router = Router();
  router.use(contentType, parse, refusal);
  return router;
}
