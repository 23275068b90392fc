/**
 * The consumer against a real RabbitMQ (scripts/engines.sh starts it): each order.placed is sent
 * once (the send de-duplicates through a store, as the mailer does), duplicates are acknowledged
 * and counted, failures retry with backoff, and poison or hopeless messages end in the dead-letter
 * queue.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createLogger, LABEL_QUEUE, LABEL_RESULT, METRIC_NOTIFICATIONS, METRIC_NOTIFICATIONS_QUEUE, serviceCounter, serviceGauge } from '@kit/telemetry';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_QUEUE, EXCHANGE, QUEUE, RETRY_EXCHANGE, startConsumer, type Consumer, type OrderPlaced } from '../src/consumer';
import { createMemoryStore } from '../src/store';

const AMQP_URL = process.env.KIT_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const prefix = `test-${randomUUID().slice(0, 8)}.`;
const sent: OrderPlaced[] = [];
const store = createMemoryStore();
/** Orders whose email fails this many more times before it goes through. */
const failuresLeft = new Map<string, number>();
const letters: { id: string; reason: string }[] = [];
let consumer: Consumer;
let producer: amqp.ChannelModel;
let channel: amqp.Channel;

beforeAll(async () => {
  producer = await amqp.connect(AMQP_URL).catch((error: unknown) => {
    throw new Error(`RabbitMQ is not reachable at ${AMQP_URL}: start it with scripts/engines.sh`, { cause: error });
  });
  channel = await producer.createChannel();
  await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
  consumer = await startConsumer({
    url: AMQP_URL,
    logger: createLogger({ destination: new PassThrough().resume() }),
    maxAttempts: 3,
    retryBaseMs: 50,
    prefetch: 8,
    queuePrefix: prefix,
    depthEveryMs: 50,
    async send(event, eventId) {
      const left = failuresLeft.get(event.orderId) ?? 0;
      if (left > 0) {
        failuresLeft.set(event.orderId, left - 1);
        throw new Error('relay down');
      }
      const first = await store.recordIfAbsent({ orderId: event.orderId, to: event.customerEmail, subject: 'confirmed', sentAt: new Date().toISOString() }, eventId);
      if (!first) return 'duplicate';
      sent.push(event);
      return 'sent';
    },
  });
});

afterAll(async () => {
  await consumer.close();
  for (const queue of [QUEUE, DEAD_LETTER_QUEUE, `${QUEUE}.retry-50ms`, `${QUEUE}.retry-100ms`]) await channel.deleteQueue(`${prefix}${queue}`);
  await channel.deleteExchange(`${prefix}${RETRY_EXCHANGE}`);
  await producer.close();
});

function publish(orderId: string, body: unknown = { orderId, customerEmail: 'ada@example.com', totalMinor: 2599, currency: 'EUR' }, messageId = `evt-${orderId}`) {
  channel.publish(EXCHANGE, 'order.placed', Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), { messageId, persistent: true });
}

const sentFor = (orderId: string) => sent.filter((e) => e.orderId === orderId).length;

async function deadLetters(): Promise<{ id: string; reason: string }[]> {
  const found: { id: string; reason: string }[] = [];
  for (;;) {
    const message = await channel.get(`${prefix}${DEAD_LETTER_QUEUE}`, { noAck: true });
    if (message === false) return found;
    found.push({ id: String(message.properties.messageId), reason: String((message.properties.headers as Record<string, unknown>)['x-kit-dead-letter-reason']) });
  }
}

/** A one-shot signal: `fired` resolves once `fire()` is called. */
function signal() {
  let fire: () => void = () => undefined;
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fired, fire: () => fire() };
}

const outcomes = async (result: string) =>
  (await serviceCounter(METRIC_NOTIFICATIONS, '', [LABEL_RESULT]).get()).values.find((v) => v.labels.result === result)?.value ?? 0;

const queueDepth = async (queue: 'main' | 'dead_letter') =>
  (await serviceGauge(METRIC_NOTIFICATIONS_QUEUE, '', [LABEL_QUEUE]).get()).values.find((v) => v.labels.queue === queue)?.value;

describe('the order.placed consumer', () => {
  it('reports how many messages wait in its queues, the dead-letter queue included', async () => {
    await deadLetters();
    await expect.poll(() => queueDepth('dead_letter')).toBe(0);
    const id = `o-${randomUUID()}`;
    publish(id, 'not json at all');
    await expect.poll(() => queueDepth('dead_letter')).toBe(1);
    expect(await queueDepth('main')).toBe(0);
    expect((await deadLetters()).map((l) => l.id)).toEqual([`evt-${id}`]);
    await expect.poll(() => queueDepth('dead_letter')).toBe(0);
  });

  it('sends one email per order, even when the event arrives twice', async () => {
    const id = `o-${randomUUID()}`;
    const duplicatesBefore = await outcomes('duplicate');
    publish(id);
    publish(id);

    // both copies handled: one sent, one acknowledged as a duplicate
    await expect.poll(() => outcomes('duplicate')).toBe(duplicatesBefore + 1);
    expect(sentFor(id)).toBe(1);
  });

  it('retries a failed send with backoff until it goes through', async () => {
    const id = `o-${randomUUID()}`;
    failuresLeft.set(id, 2);
    const started = Date.now();
    publish(id);

    await expect.poll(() => sentFor(id), { timeout: 5_000 }).toBe(1);
    // two waits: 50 ms, then 100 ms
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('lets a message in hand finish and acknowledges it before it closes, so it is not delivered again', async () => {
    const own = `test-${randomUUID().slice(0, 8)}.`;
    const inHand = signal();
    let calls = 0;
    const closing = await startConsumer({
      url: AMQP_URL,
      logger: createLogger({ destination: new PassThrough().resume() }),
      maxAttempts: 2,
      retryBaseMs: 50,
      prefetch: 1,
      queuePrefix: own,
      async send() {
        calls += 1;
        inHand.fire();
        // a slow relay: the send is still running when close() is called
        await new Promise((resolve) => setTimeout(resolve, 300));
        return 'sent';
      },
    });
    try {
      publish(`o-${randomUUID()}`);
      await inHand.fired;
      await closing.close();
      // acknowledged before the channel went: nothing is left to deliver again
      expect((await channel.checkQueue(`${own}${QUEUE}`)).messageCount).toBe(0);
      expect(calls).toBe(1);
    } finally {
      for (const queue of [QUEUE, DEAD_LETTER_QUEUE, `${QUEUE}.retry-50ms`]) await channel.deleteQueue(`${own}${queue}`);
      await channel.deleteExchange(`${own}${RETRY_EXCHANGE}`);
    }
  });

  it('dead-letters poison messages at once and hopeless ones after the last attempt', async () => {
    const hopeless = `o-${randomUUID()}`;
    failuresLeft.set(hopeless, 99);
    publish('poison', '{not json', 'evt-poison');
    publish('wrong-shape', { orderId: 'x', customerEmail: 'not an email' }, 'evt-wrong-shape');
    publish(hopeless);

    await expect.poll(async () => {
      const found = await deadLetters();
      letters.push(...found);
      return letters.length;
    }, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);

    expect(letters.find((l) => l.id === 'evt-poison')?.reason).toBe('malformed');
    expect(letters.find((l) => l.id === 'evt-wrong-shape')?.reason).toBe('malformed');
    expect(letters.find((l) => l.id === `evt-${hopeless}`)?.reason).toMatch(/^failed 3 times/);
    expect(sentFor(hopeless)).toBe(0);
  });
});

