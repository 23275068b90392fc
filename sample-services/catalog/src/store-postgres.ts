/**
 * The catalog's PostgreSQL store (its own database: one database per service). It creates its table
 * and seeds the 50 products on first start, then answers the same contract as the in-memory store.
 */
import { withDatabaseChaos } from '@kit/service';
import pg from 'pg';
import { seedProducts, type Category, type Product } from './products';
import type { CatalogStore, ProductQuery } from './store';

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  category: Category;
  price_minor: number;
  currency: 'EUR';
  image_url: string;
  tags: string[];
  total?: string;
}

const COLUMNS = 'id, sku, name, description, category, price_minor, currency, image_url, tags';
/** $1 = category or null, $2 = search text or null: a literal, case-insensitive substring match. */
const FILTER = `WHERE ($1::text IS NULL OR category = $1)
  AND ($2::text IS NULL
       OR strpos(lower(name), lower($2)) > 0
       OR strpos(lower(description), lower($2)) > 0
       OR EXISTS (SELECT 1 FROM unnest(tags) AS t WHERE strpos(t, lower($2)) > 0))`;

function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    category: row.category,
    priceMinor: row.price_minor,
    currency: row.currency,
    imageUrl: row.image_url,
    tags: row.tags,
  };
}

async function migrateAndSeed(pool: pg.Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS products (
      id          text PRIMARY KEY,
      sku         text NOT NULL UNIQUE,
      name        text NOT NULL,
      description text NOT NULL,
      category    text NOT NULL,
      price_minor integer NOT NULL CHECK (price_minor >= 0),
      currency    char(3) NOT NULL,
      image_url   text NOT NULL,
      tags        text[] NOT NULL DEFAULT '{}'
    );
    CREATE INDEX IF NOT EXISTS products_category_price ON products (category, price_minor, id);
  `);
  const seed = seedProducts();
  await pool.query(
    `INSERT INTO products (${COLUMNS})
     SELECT s.id, s.sku, s.name, s.description, s.category, s.price_minor, s.currency, s.image_url,
            string_to_array(s.tags, ',')
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[])
          AS s(id, sku, name, description, category, price_minor, currency, image_url, tags)
     ON CONFLICT (id) DO NOTHING`,
    [
      seed.map((p) => p.id),
      seed.map((p) => p.sku),
      seed.map((p) => p.name),
      seed.map((p) => p.description),
      seed.map((p) => p.category),
      seed.map((p) => p.priceMinor),
      seed.map((p) => p.currency),
      seed.map((p) => p.imageUrl),
      seed.map((p) => p.tags.join(',')),
    ],
  );
}

export interface PostgresStoreOptions {
  readonly connectionString: string;
  readonly maxConnections?: number;
}

/** Connects, migrates and seeds; the returned store owns the pool. */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<CatalogStore> {
  // withDatabaseChaos: the slow-database fault delays every query
  const pool = withDatabaseChaos(
    new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 2_000,
      statement_timeout: 2_000,
      application_name: 'catalog',
    }),
  );
  // an idle client that loses its connection must not crash the service; the next query reconnects
  pool.on('error', () => undefined);
  try {
    await migrateAndSeed(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }

  return {
    async list(query: ProductQuery) {
      const result = await pool.query<ProductRow>(
        `SELECT ${COLUMNS}, count(*) OVER () AS total
         FROM products
         ${FILTER}
         ORDER BY id
         LIMIT $3 OFFSET $4`,
        [query.category ?? null, query.q ?? null, query.limit, query.offset],
      );
      const first = result.rows[0];
      let total = first?.total === undefined ? 0 : Number(first.total);
      if (first === undefined && query.offset > 0) {
        // past the last page: count separately so the total stays right
        const count = await pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM products
${FILTER}`,
          [query.category ?? null, query.q ?? null],
        );
        total = Number(count.rows[0]?.n ?? 0);
      }
      return { items: result.rows.map(toProduct), total };
    },
    async get(id) {
      const result = await pool.query<ProductRow>(`SELECT ${COLUMNS} FROM products WHERE id = $1`, [id]);
      const row = result.rows[0];
      return row === undefined ? undefined : toProduct(row);
    },
    async related(product, limit) {
      const result = await pool.query<ProductRow>(
        `SELECT ${COLUMNS} FROM products
         WHERE id <> $1 AND tags && $2::text[]
         ORDER BY (SELECT count(*) FROM unnest(tags) AS t WHERE t = ANY ($2::text[])) DESC, id
         LIMIT $3`,
        [product.id, product.tags, limit],
      );
      return result.rows.map(toProduct);
    },
    async sameCategory(category, excludeId, limit) {
      const result = await pool.query<ProductRow>(
        `SELECT ${COLUMNS} FROM products WHERE category = $1 AND id <> $2 ORDER BY price_minor, id LIMIT $3`,
        [category, excludeId, limit],
      );
      return result.rows.map(toProduct);
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
