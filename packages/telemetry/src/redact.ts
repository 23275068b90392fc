/**
 * Keeps secrets out of log records: values under sensitive keys are replaced, and card numbers and
 * bearer tokens inside free text are masked wherever they appear.
 */
export const REDACTED = '[REDACTED]';

const SENSITIVE_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|password|passwd|secret|client[-_]?secret|token|access[-_]?token|refresh[-_]?token|id[-_]?token|api[-_]?key|x-api-key|x-admin-token|x-chaos-token|card|card[-_]?number|pan|cvv|cvc|security[-_]?code)$/i;
// 13-19 digits, optionally grouped by single spaces or dashes: the shapes card numbers are typed in
const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
const MAX_DEPTH = 6;

function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Masks Luhn-valid card numbers (keeping the last four digits) and bearer/basic credentials. */
export function redactText(text: string): string {
  let out = text;
  if (/\d{4}/.test(out)) {
    out = out.replace(CARD_CANDIDATE, (match) => {
      const digits = match.replace(/[ -]/g, '');
      return luhnValid(digits) ? `[CARD ****${digits.slice(-4)}]` : match;
    });
  }
  if (out.includes('Bearer') || out.includes('Basic')) out = out.replace(BEARER, `$1 ${REDACTED}`);
  return out;
}

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** Returns a copy of `value` with sensitive keys replaced and free text masked. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) ? REDACTED : redactValue(inner, depth + 1);
  }
  return out;
}

/** Redacts the enumerable string-keyed fields of a log record in place (symbols are winston's). */
export function redactRecordInPlace(record: Record<string, unknown>): void {
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (isSensitiveKey(key)) record[key] = REDACTED;
    else if (typeof value === 'string') record[key] = redactText(value);
    else if (value !== null && typeof value === 'object') record[key] = redactValue(value, 1);
  }
}
