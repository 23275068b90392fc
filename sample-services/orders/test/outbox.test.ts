/**
 * The transactional outbox against a real PostgreSQL and RabbitMQ (scripts/engines.sh starts them):
 * checkouts succeed while the broker is unreachable, their events wait, and once it is back every
 * event is delivered exactly once.
 */
import amqp from 'amqplib';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay } from '../src/outbox';
import { ORDERS_EXCHANGE, createAmqpPublisher, type EventPublisher } from '../src/publisher';
import type { OrdersStore } from '../src/store';
import { createPostgresStore } from '../src/store-postgres';
import { openShop, order, quietLogger, type Shop } from './helpers';

const PG_URL = process.env.KIT_TEST_PG_URL ?? 'postgres://kit:kit@127.0.0.1:5432/kit_test';
const AMQP_URL = process.env.KIT_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const UNREACHABLE_BROKER = 'amqp://guest:guest@127.0.0.1:1';

let store: OrdersStore;
let shop: Shop;
let consumer: amqp.ChannelModel;
const received: string[] = [];

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect().catch((error: unknown) => {
    throw new Error(`PostgreSQL is not reachable at ${PG_URL}: start it with scripts/engines.sh`, { cause: error });
  });
  await admin.query('DROP TABLE IF EXISTS orders, outbox');
  await admin.end();
  store = await createPostgresStore(PG_URL);
  shop = await openShop({ store });
  consumer = await amqp.connect(AMQP_URL).catch((error: unknown) => {
    throw new Error(`RabbitMQ is not reachable at ${AMQP_URL}: start it with scripts/engines.sh`, { cause: error });
  });
  const channel = await consumer.createChannel();
  await channel.assertExchange(ORDERS_EXCHANGE, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, ORDERS_EXCHANGE, 'order.placed');
  await channel.consume(queue, (message) => {
    if (message !== null) received.push(String(message.properties.messageId));
  }, { noAck: true });
});

afterAll(async () => {
  shop.close();
  await consumer.close();
  await store.close();
});

/** A publisher whose broker can be swapped, to model an outage and the recovery. */
function switchablePublisher(url: string) {
  let current: EventPublisher = createAmqpPublisher(url);
  return {
    publisher: { publish: (e: Parameters<EventPublisher['publish']>[0]) => current.publish(e), close: () => current.close() },
    async switchTo(next: string) {
      await current.close();
      current = createAmqpPublisher(next);
    },
  };
}

describe('the outbox with RabbitMQ down, then back', () => {
  it('keeps every order event until the broker confirms it, then delivers each exactly once', async () => {
    const broker = switchablePublisher(UNREACHABLE_BROKER);
    const relay = createRelay({ store, publisher: broker.publisher, logger: quietLogger(), pollMs: 20, maxBackoffMs: 100 });
    relay.start();

    const placed: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const res = await request(shop.orders).post('/orders').set('Idempotency-Key', `outbox-${i}-key`).send(order(`p-01${i}`)).expect(201);
      placed.push(`evt-${(res.body as { id: string }).id}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const pendingWhileDown = await store.pendingCount();
    const receivedWhileDown = received.length;

    await broker.switchTo(AMQP_URL);
    await expect.poll(() => store.pendingCount(), { timeout: 5_000 }).toBe(0);
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(8);
    await relay.stop();
    await broker.publisher.close();

    expect(pendingWhileDown).toBe(8);
    expect(receivedWhileDown).toBe(0);
    expect([...received].sort()).toEqual([...placed].sort());
  });
});
