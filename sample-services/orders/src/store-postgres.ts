/**
 * The orders PostgreSQL store (its own database). Orders and outbox rows are written in one
 * transaction; the unique Idempotency-Key makes a concurrent duplicate checkout find the first order,
 * and a row in checkout_claims keeps a second checkout with the same key from running meanwhile, on
 * any replica.
 * Several replicas relaying the same outbox may publish an event twice (at-least-once delivery);
 * consumers deduplicate by event id.
 */
import { withDatabaseChaos } from '@kit/service';
import pg from 'pg';
import type { Order, OutboxEvent } from './domain';
import type { OrdersStore } from './store';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS orders (
  id              text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  body            jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS outbox (
  id           text PRIMARY KEY,
  type         text NOT NULL,
  payload      jsonb NOT NULL,
  headers      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  published_at timestamptz
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (created_at) WHERE published_at IS NULL;
CREATE TABLE IF NOT EXISTS checkout_claims (
  idempotency_key text PRIMARY KEY,
  owner           text NOT NULL,
  expires_at      timestamptz NOT NULL
);`;

interface OrderRow {
  body: Order;
}
interface OutboxRow {
  id: string;
  type: 'order.placed';
  payload: OutboxEvent['payload'];
  headers: Record<string, string>;
}

export async function createPostgresStore(connectionString: string): Promise<OrdersStore> {
  // withDatabaseChaos: the slow-database fault delays every pool query
  const pool = withDatabaseChaos(new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 2_000, statement_timeout: 2_000, application_name: 'orders' }));
  pool.on('error', () => undefined);
  try {
    await pool.query(SCHEMA);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const one = async (sql: string, params: unknown[]) => (await pool.query<OrderRow>(sql, params)).rows[0]?.body;

  return {
    byIdempotencyKey: (key) => one('SELECT body FROM orders WHERE idempotency_key = $1', [key]),
    get: (id) => one('SELECT body FROM orders WHERE id = $1', [id]),
    async claim(key, owner, ttlMs) {
      // one statement: insert the claim, or take over one that expired; a live claim of another owner stays
      const claimed = await pool.query(
        `INSERT INTO checkout_claims (idempotency_key, owner, expires_at) VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
         ON CONFLICT (idempotency_key) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
         WHERE checkout_claims.expires_at < clock_timestamp() OR checkout_claims.owner = EXCLUDED.owner`,
        [key, owner, Math.ceil(ttlMs)],
      );
      return claimed.rowCount === 1;
    },
    async release(key, owner) {
      await pool.query('DELETE FROM checkout_claims WHERE idempotency_key = $1 AND owner = $2', [key, owner]);
    },
    async create(order, event) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const inserted = await client.query(
          'INSERT INTO orders (id, idempotency_key, body) VALUES ($1, $2, $3) ON CONFLICT (idempotency_key) DO NOTHING',
          [order.id, order.idempotencyKey, order],
        );
        if (inserted.rowCount === 0) {
          await client.query('ROLLBACK');
          const existing = await one('SELECT body FROM orders WHERE idempotency_key = $1', [order.idempotencyKey]);
          if (existing === undefined) throw new Error('order vanished after an idempotency conflict');
          return { order: existing, created: false };
        }
        await client.query('INSERT INTO outbox (id, type, payload, headers) VALUES ($1, $2, $3, $4)', [event.id, event.type, event.payload, event.headers]);
        await client.query('COMMIT');
        return { order, created: true };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async pendingEvents(limit) {
      const result = await pool.query<OutboxRow>(
        'SELECT id, type, payload, headers FROM outbox WHERE published_at IS NULL ORDER BY created_at LIMIT $1',
        [limit],
      );
      return result.rows;
    },
    async markPublished(ids) {
      if (ids.length > 0) await pool.query('UPDATE outbox SET published_at = now() WHERE id = ANY ($1::text[])', [ids]);
    },
    async pendingCount() {
      const result = await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
      return Number(result.rows[0]?.n ?? 0);
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
