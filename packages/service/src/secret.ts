/** Token checks for the admin and chaos routes, in constant time (both sides hashed to equal length). */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** True when `given` equals `expected`; how long it takes does not depend on where they differ. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  return timingSafeEqual(digest(given ?? ''), digest(expected));
}

/** True when an Authorization header carries `Bearer <expected>`. */
export function bearerMatches(header: string | undefined, expected: string): boolean {
  return sameSecret(/^Bearer (.+)$/.exec(header ?? '')?.[1], expected);
}
