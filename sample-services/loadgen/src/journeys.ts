/**
 * What a shopper does, as the load generator plays it through the gateway: browse a category,
 * search, view a product and its recommendations, and sometimes check out. Each step is timed on the
 * client side; a journey succeeds when every step got the answer a real client would accept.
 */
import { randomUUID } from 'node:crypto';

export const JOURNEYS = ['browse', 'search', 'view', 'checkout'] as const;
export type Journey = (typeof JOURNEYS)[number];

export interface Step {
  readonly step: string;
  readonly seconds: number;
  readonly ok: boolean;
}

const CATEGORIES = ['books', 'electronics', 'garden', 'kitchen', 'sports', 'toys'];
const WORDS = ['smart', 'classic', 'kettle', 'kite', 'eco', 'gift', 'studio', 'pocket'];
/** Card tokens as a shop sees them: most pay, a few are declined, some at random. */
const CARDS = ['tok_visa', 'tok_visa', 'tok_visa', 'tok_mastercard', 'tok_mastercard', 'tok_declined'];

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

const productId = (random: () => number) => `p-${String(1 + Math.floor(random() * 50)).padStart(3, '0')}`;

export interface JourneyDeps {
  readonly gatewayUrl: string;
  readonly random: () => number;
  readonly timeoutMs: number;
}

async function call(deps: JourneyDeps, step: string, path: string, init: RequestInit, accept: (status: number) => boolean): Promise<Step> {
  const started = performance.now();
  try {
    const res = await fetch(`${deps.gatewayUrl}${path}`, { ...init, signal: AbortSignal.timeout(deps.timeoutMs) });
    await res.arrayBuffer();
    return { step, seconds: (performance.now() - started) / 1000, ok: accept(res.status) };
  } catch {
    return { step, seconds: (performance.now() - started) / 1000, ok: false };
  }
}

const ok2xx = (status: number) => status >= 200 && status < 300;

/** Plays one journey; resolves with its steps (never rejects). */
export async function play(journey: Journey, deps: JourneyDeps): Promise<Step[]> {
  const { random } = deps;
  switch (journey) {
    case 'browse':
      return [await call(deps, 'list', `/api/catalog/products?category=${pick(CATEGORIES, random)}&limit=12`, {}, ok2xx)];
    case 'search':
      return [await call(deps, 'search', `/api/catalog/products?q=${pick(WORDS, random)}`, {}, ok2xx)];
    case 'view': {
      const id = productId(random);
      return [await call(deps, 'product', `/api/catalog/products/${id}`, {}, ok2xx), await call(deps, 'recommendations', `/api/catalog/products/${id}/recommendations`, {}, ok2xx)];
    }
    case 'checkout': {
      const id = productId(random);
      const view = await call(deps, 'product', `/api/catalog/products/${id}`, {}, ok2xx);
      const order = await call(
        deps,
        'order',
        '/api/orders',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `lg-${randomUUID()}` },
          body: JSON.stringify({ customerEmail: 'shopper@example.com', items: [{ productId: id, quantity: 1 }], card: { token: pick(CARDS, random) } }),
        },
        // a declined card or a sold-out product is a normal answer, not a failure of the shop
        (status) => ok2xx(status) || status === 402 || status === 409,
      );
      return [view, order];
    }
  }
}

/** The mix of journeys: mostly browsing, a tenth checking out. */
export function chooseJourney(random: () => number, checkoutShare: number): Journey {
  const r = random();
  if (r < checkoutShare) return 'checkout';
  const rest = (r - checkoutShare) / (1 - checkoutShare);
  return rest < 0.4 ? 'browse' : rest < 0.65 ? 'search' : 'view';
}
