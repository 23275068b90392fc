/**
 * The benchmark's subject: a small Express 5 app, started three ways by the overhead driver
 * (`node bench/dist/overhead.js`): bare, under OpenTelemetry's zero-code preload, and under the kit's
 * preload. It can also be run by hand:
 *
 *   PORT=3000 node bench/dist/app.js
 *
 * On listening it prints one JSON line `{"port":N}` to stdout (PORT=0 picks an ephemeral port), then
 * logs JSON lines through the kit's winston logger on the same stdout.
 *
 * Routes: `GET /hello` (trivial) and `GET /products?category=&limit=` (zod-validated query over a fixed
 * in-memory catalogue, one info log line per request).
 */
import type { Server } from 'node:http';
import { createLogger, type Logger } from '@kit/telemetry';
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';

const CATEGORIES = ['books', 'electronics', 'garden', 'kitchen', 'sports', 'toys'] as const;
type Category = (typeof CATEGORIES)[number];

const TAGS = ['new', 'sale', 'bestseller', 'eco', 'limited', 'gift', 'bundle', 'refurbished'] as const;
const ADJECTIVES = ['Compact', 'Deluxe', 'Classic', 'Smart', 'Rugged', 'Light', 'Premium', 'Everyday'] as const;
const CATALOGUE_SIZE = 200;
const HARD_EXIT_MS = 2_000;

interface Product {
  readonly id: number;
  readonly sku: string;
  readonly name: string;
  readonly category: Category;
  readonly priceCents: number;
  readonly currency: 'EUR';
  readonly stock: number;
  readonly imageUrl: string;
  readonly tags: readonly string[];
}

/** A tiny deterministic pseudo-random generator (xorshift32), so every start builds the same data. */
function seededRandom(seed: number): () => number {
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
  if (item === undefined) throw new Error('pick() from an empty list');
  return item;
}

function pickTags(random: () => number): string[] {
  const count = 1 + Math.floor(random() * 3);
  const tags = new Set<string>();
  while (tags.size < count) tags.add(pick(TAGS, random));
  return [...tags];
}

function buildCatalogue(size: number): readonly Product[] {
  const random = seededRandom(0x5eed);
  return Array.from({ length: size }, (_, index): Product => {
    const id = index + 1;
    const category = pick(CATEGORIES, random);
    const sku = `${category.slice(0, 3).toUpperCase()}-${String(id).padStart(5, '0')}`;
    return {
      id,
      sku,
      name: `${pick(ADJECTIVES, random)} ${category} item ${id}`,
      category,
      priceCents: 199 + Math.floor(random() * 50_000),
      currency: 'EUR',
      stock: Math.floor(random() * 500),
      imageUrl: `https://images.example.com/products/${sku.toLowerCase()}.jpg`,
      tags: pickTags(random),
    };
  });
}

const productsQuery = z.object({
  category: z.enum(CATEGORIES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid query';
  const field = issue.path.map(String).join('.');
  return field === '' ? issue.message : `${field}: ${issue.message}`;
}

function listProducts(catalogue: readonly Product[], category: Category | undefined, limit: number): Product[] {
  const matches: Product[] = [];
  for (const product of catalogue) {
    if (matches.length >= limit) break;
    if (category === undefined || product.category === category) matches.push(product);
  }
  return matches;
}

function productsHandler(catalogue: readonly Product[], logger: Logger) {
  return (req: Request, res: Response): void => {
    const parsed = productsQuery.safeParse(req.query);
    if (!parsed.success) {
      res.status(400).json({ error: { code: 'invalid_request', message: describeIssue(parsed.error) } });
      return;
    }
    const { category, limit } = parsed.data;
    const products = listProducts(catalogue, category, limit);
    logger.info('listed products', { count: products.length, category });
    res.json({ products, count: products.length });
  };
}

function createApp(logger: Logger): Express {
  const catalogue = buildCatalogue(CATALOGUE_SIZE);
  const app = express();
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  app.get('/products', productsHandler(catalogue, logger));
  return app;
}

function exitOnSigterm(server: Server): void {
  process.once('SIGTERM', () => {
    setTimeout(() => process.exit(1), HARD_EXIT_MS).unref();
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}

function main(): void {
  const logger = createLogger();
  const port = Number(process.env.PORT ?? '0');
  const server = createApp(logger).listen(port, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
    process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
  });
  server.on('error', (error) => {
    process.stderr.write(`bench app: ${error.message}\n`);
    process.exit(1);
  });
  exitOnSigterm(server);
}

main();
