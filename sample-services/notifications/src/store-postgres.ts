/**
 * The notifications PostgreSQL store (its own database, `DATABASE_URL`). The order id is the primary
 * key, so `INSERT … ON CONFLICT DO NOTHING` lets exactly one of any number of deliveries of an
 * order.placed record its e-mail, concurrent ones and those after a restart included; the lookup by
 * order is that key, the newest-first list an index on the sending sequence.
 */
import { withDatabaseChaos } from '@kit/service';
import pg from 'pg';
import type { NotificationsStore, SentEmail } from './store';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sent_emails (
  order_id   text PRIMARY KEY,
  seq        bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  event_id   text,
  recipient  text NOT NULL,
  subject    text NOT NULL,
  sent_at    timestamptz NOT NULL
);`;

interface Row {
  order_id: string;
  recipient: string;
  subject: string;
  sent_at: Date;
}

const COLUMNS = 'order_id, recipient, subject, sent_at';
const toEmail = (row: Row): SentEmail => ({ orderId: row.order_id, to: row.recipient, subject: row.subject, sentAt: row.sent_at.toISOString() });

export async function createPostgresStore(connectionString: string): Promise<NotificationsStore> {
  // withDatabaseChaos: the slow-database fault delays every pool query
  const pool = withDatabaseChaos(new pg.Pool({ connectionString, max: 5, connectionTimeoutMillis: 2_000, statement_timeout: 2_000, application_name: 'notifications' }));
  pool.on('error', () => undefined);
  try {
    await pool.query(SCHEMA);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    async recordIfAbsent(email, eventId) {
      const inserted = await pool.query(
        'INSERT INTO sent_emails (order_id, event_id, recipient, subject, sent_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id) DO NOTHING',
        [email.orderId, eventId ?? null, email.to, email.subject, email.sentAt],
      );
      return inserted.rowCount === 1;
    },
    async forOrder(orderId) {
      const row = (await pool.query<Row>(`SELECT ${COLUMNS} FROM sent_emails WHERE order_id = $1`, [orderId])).rows[0];
      return row === undefined ? undefined : toEmail(row);
    },
    async recent(limit) {
      return (await pool.query<Row>(`SELECT ${COLUMNS} FROM sent_emails ORDER BY seq DESC LIMIT $1`, [limit])).rows.map(toEmail);
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
