/**
 * What the catalog needs from its storage, and the in-memory implementation used when DATABASE_URL
 * is unset (`npm start` alone, unit tests). The PostgreSQL store implements the same contract.
 */
import { seedProducts, type Category, type Product } from './products';

export interface ProductQuery {
  readonly category?: Category | undefined;
  /** Case-insensitive match on name, description and tags. */
  readonly q?: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

export interface ProductPage {
  readonly items: Product[];
  readonly total: number;
}

export interface CatalogStore {
  list(query: ProductQuery): Promise<ProductPage>;
  get(id: string): Promise<Product | undefined>;
  /** Products sharing the most tags with `product`, best first (the computed recommendations). */
  related(product: Product, limit: number): Promise<Product[]>;
  /** Cheapest products of a category other than `excludeId` (the degraded fallback). */
  sameCategory(category: Category, excludeId: string, limit: number): Promise<Product[]>;
  /** Throws when the store cannot serve (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

function matches(product: Product, query: ProductQuery): boolean {
  if (query.category !== undefined && product.category !== query.category) return false;
  if (query.q === undefined) return true;
  const needle = query.q.toLowerCase();
  return (
    product.name.toLowerCase().includes(needle) ||
    product.description.toLowerCase().includes(needle) ||
    product.tags.some((tag) => tag.includes(needle))
  );
}

export function byPriceThenId(a: Product, b: Product): number {
  return a.priceMinor - b.priceMinor || a.id.localeCompare(b.id);
}

/** Tag overlap, ties broken by id, so both stores order recommendations the same way. */
export function relatedOrder(product: Product): (a: Product, b: Product) => number {
  const overlap = (other: Product) => other.tags.filter((tag) => product.tags.includes(tag)).length;
  return (a, b) => overlap(b) - overlap(a) || a.id.localeCompare(b.id);
}

export function createMemoryStore(products: readonly Product[] = seedProducts()): CatalogStore {
  const byId = new Map(products.map((product) => [product.id, product]));
  const ordered = [...products].sort((a, b) => a.id.localeCompare(b.id));
  return {
    list(query) {
      const found = ordered.filter((product) => matches(product, query));
      return Promise.resolve({ items: found.slice(query.offset, query.offset + query.limit), total: found.length });
    },
    get(id) {
      return Promise.resolve(byId.get(id));
    },
    related(product, limit) {
      const others = ordered.filter((other) => other.id !== product.id && other.tags.some((tag) => product.tags.includes(tag)));
      return Promise.resolve(others.sort(relatedOrder(product)).slice(0, limit));
    },
    sameCategory(category, excludeId, limit) {
      const others = ordered.filter((other) => other.category === category && other.id !== excludeId);
      return Promise.resolve(others.sort(byPriceThenId).slice(0, limit));
    },
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
