/**
 * The catalog's domain: products with prices in integer minor units, their categories, and the
 * deterministic seed the stores start from (the same 50 products in memory and in PostgreSQL).
 */
export const CATEGORIES = ['books', 'electronics', 'garden', 'kitchen', 'sports', 'toys'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Product {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly category: Category;
  /** Price in minor units (cents) of `currency`. */
  readonly priceMinor: number;
  readonly currency: 'EUR';
  readonly imageUrl: string;
  readonly tags: readonly string[];
}

const ADJECTIVES = ['Compact', 'Deluxe', 'Classic', 'Smart', 'Rugged', 'Light', 'Premium', 'Everyday', 'Pocket', 'Studio'];
const NOUNS: Record<Category, readonly string[]> = {
  books: ['Field Guide', 'Cookbook', 'Atlas', 'Novel', 'Handbook'],
  electronics: ['Headphones', 'Speaker', 'Charger', 'Keyboard', 'Camera'],
  garden: ['Trowel', 'Planter', 'Hose', 'Seed Kit', 'Pruner'],
  kitchen: ['Kettle', 'Knife Set', 'Skillet', 'Grinder', 'Teapot'],
  sports: ['Yoga Mat', 'Racket', 'Bottle', 'Helmet', 'Jump Rope'],
  toys: ['Puzzle', 'Kite', 'Robot Kit', 'Board Game', 'Plush Fox'],
};
const TAGS = ['new', 'sale', 'bestseller', 'eco', 'gift', 'limited', 'bundle', 'refurbished'];

/** A small deterministic generator (xorshift32), so every store seeds the same catalogue. */
function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export const SEED_SIZE = 50;

/** The 50 seed products, ids `p-001` … `p-050`. */
export function seedProducts(): Product[] {
  const random = seeded(20_261_125);
  return Array.from({ length: SEED_SIZE }, (_, index) => {
    const category = CATEGORIES[index % CATEGORIES.length] ?? 'books';
    const name = `${pick(ADJECTIVES, random)} ${pick(NOUNS[category], random)}`;
    const number = String(index + 1).padStart(3, '0');
    const tags = [...new Set([pick(TAGS, random), pick(TAGS, random)])].sort();
    return {
      id: `p-${number}`,
      sku: `${category.slice(0, 3).toUpperCase()}-${number}`,
      name,
      description: `${name} for everyday ${category}: sturdy, well reviewed and easy to gift.`,
      category,
      priceMinor: 499 + Math.floor(random() * 200) * 50,
      currency: 'EUR',
      imageUrl: `https://picsum.photos/seed/kit-${number}/400/300`,
      tags,
    };
  });
}
