/**
 * The order.placed consumer. Each message is acknowledged only after its e-mail is sent or found
 * already sent (`send` de-duplicates through the durable store, so a redelivery after a crash or a
 * restart never sends twice); a handler
 * failure goes to a delay queue and comes back with exponential backoff; after the last attempt, and
 * at once for a message that can never succeed (not JSON, wrong shape), it goes to the dead-letter
 * queue. The amqplib instrumentation continues the producer's trace, so the email's log line carries
 * the checkout's trace id.
 */
import { LABEL_QUEUE, LABEL_RESULT, METRIC_NOTIFICATIONS, METRIC_NOTIFICATIONS_QUEUE, serviceCounter, serviceGauge, type Logger } from '@kit/telemetry';
import { trace } from '@opentelemetry/api';
import type { Chaos } from '@kit/service';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { z } from 'zod';

export const EXCHANGE = 'orders';
export const QUEUE = 'notifications.order-placed';
export const RETRY_EXCHANGE = 'notifications.retry';
export const DEAD_LETTER_QUEUE = 'notifications.order-placed.dlq';
const ATTEMPT_HEADER = 'x-kit-attempt';

const orderPlaced = z.object({
  orderId: z.string().min(1),
  customerEmail: z.email(),
  totalMinor: z.number().int().nonnegative(),
  currency: z.literal('EUR'),
});
export type OrderPlaced = z.infer<typeof orderPlaced>;

export interface ConsumerOptions {
  /** Called when the broker connection is lost (the service exits; its supervisor restarts it). */
  readonly onLost?: (reason: string) => void;
  readonly url: string;
  readonly logger: Logger;
  /**
   * Sends the e-mail, once per order: 'duplicate' when it was sent already (by an earlier delivery
   * of the same event, by another copy of it). Throwing makes the message retry.
   */
  readonly send: (event: OrderPlaced, eventId: string | undefined) => Promise<'sent' | 'duplicate'>;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly prefetch: number;
  /** Queue names can be namespaced (tests run beside a real stack). */
  readonly queuePrefix?: string;
  /** How often the queue depths are read from the broker (default 5 s). */
  readonly depthEveryMs?: number;
  /** How long close() waits for messages in hand to finish (default 2 s). */
  readonly drainMs?: number;
  /** Chaos: a "stall" fault stops consuming until it ends, so the queue grows. */
  readonly chaos?: Chaos;
}

export interface Consumer {
  readonly connected: () => boolean;
  close(): Promise<void>;
}

export async function startConsumer(options: ConsumerOptions): Promise<Consumer> {
  const { logger } = options;
  const prefix = options.queuePrefix ?? '';
  const queue = `${prefix}${QUEUE}`;
  const dlq = `${prefix}${DEAD_LETTER_QUEUE}`;
  const retryExchange = `${prefix}${RETRY_EXCHANGE}`;
  const messages = serviceCounter(METRIC_NOTIFICATIONS, 'order.placed messages by outcome.', [LABEL_RESULT]);
  let connected = false;

  const connection: ChannelModel = await amqp.connect(options.url, { timeout: 2_000 });
  connection.on('error', () => undefined);
  let closing = false;
  connection.on('close', () => {
    connected = false;
    if (!closing) options.onLost?.('broker connection closed');
  });
  const channel: Channel = await connection.createChannel();
  await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
  await channel.assertExchange(retryExchange, 'direct', { durable: true });
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, EXCHANGE, 'order.placed');
  await channel.assertQueue(dlq, { durable: true });
  // one delay queue per attempt: messages wait out their TTL, then dead-letter back to the main queue
  // (named by their delay: RabbitMQ refuses to redeclare a queue with another TTL)
  for (let attempt = 1; attempt < options.maxAttempts; attempt += 1) {
    const delayMs = options.retryBaseMs * 2 ** (attempt - 1);
    const delayQueue = `${queue}.retry-${delayMs}ms`;
    await channel.assertQueue(delayQueue, {
      durable: true,
      messageTtl: delayMs,
      deadLetterExchange: '',
      deadLetterRoutingKey: queue,
    });
    await channel.bindQueue(delayQueue, retryExchange, String(attempt));
  }
  await channel.prefetch(options.prefetch);
  connected = true;

  const deadLetter = (message: ConsumeMessage, reason: string) => {
    channel.sendToQueue(dlq, message.content, { ...message.properties, headers: { ...message.properties.headers, 'x-kit-dead-letter-reason': reason } });
    channel.ack(message);
    messages.inc({ result: 'dead_lettered' });
    logger.error('message dead-lettered', { message_id: message.properties.messageId as string | undefined, reason });
  };

  async function handle(message: ConsumeMessage): Promise<void> {
    const id = String(message.properties.messageId ?? '');
    const attempt = Number((message.properties.headers as Record<string, unknown> | undefined)?.[ATTEMPT_HEADER] ?? 1);
    let event: OrderPlaced;
    try {
      event = orderPlaced.parse(JSON.parse(message.content.toString('utf8')));
    } catch {
      deadLetter(message, 'malformed');
      return;
    }
    let outcome: 'sent' | 'duplicate';
    try {
      outcome = await options.send(event, id === '' ? undefined : id);
    } catch (error) {
      trace.getActiveSpan()?.recordException(error instanceof Error ? error : new Error(String(error)));
      if (attempt >= options.maxAttempts) {
        deadLetter(message, `failed ${attempt} times: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      channel.publish(retryExchange, String(attempt), message.content, {
        ...message.properties,
        headers: { ...message.properties.headers, [ATTEMPT_HEADER]: attempt + 1 },
      });
      channel.ack(message);
      messages.inc({ result: 'retried' });
      logger.warn('sending failed; will retry', { message_id: id, attempt, next_in_ms: options.retryBaseMs * 2 ** (attempt - 1) });
      return;
    }
    channel.ack(message);
    messages.inc({ result: outcome });
  }

  // messages being handled, so close() lets them finish (and be acknowledged) before the channel goes
  const inFlight = new Set<Promise<void>>();
  const consume = () =>
    channel.consume(queue, (message) => {
      if (message === null) return;
      const handling = handle(message).catch(() => {
        // unacknowledged, it comes back (at once, or on the next connection if this one is gone)
        try {
          channel.nack(message, false, true);
        } catch {
          // the channel closed under it: the broker redelivers it anyway
        }
      });
      inFlight.add(handling);
      void handling.finally(() => inFlight.delete(handling));
    });
  let consumerTag = (await consume()).consumerTag;
  options.chaos?.onStall((stalled) => {
    const change = stalled ? channel.cancel(consumerTag).then(() => undefined) : consume().then((ok) => void (consumerTag = ok.consumerTag));
    change.then(
      () => logger.warn(stalled ? 'consumer stalled by chaos: messages wait in the queue' : 'consumer resumed', { queue }),
      () => undefined,
    );
  });

  // Queue depth, the signal to add consumers (and, for the dead-letter queue, to look at failures).
  const depth = serviceGauge(METRIC_NOTIFICATIONS_QUEUE, 'Messages waiting in the notifications queues (ready, not yet delivered).', [LABEL_QUEUE]);
  const readDepths = async () => {
    for (const [label, name] of [['main', queue], ['dead_letter', dlq]] as const) {
      const { messageCount } = await channel.checkQueue(name);
      depth.set({ queue: label }, messageCount);
    }
  };
  await readDepths();
  const depthTimer = setInterval(() => {
    if (connected) readDepths().catch(() => undefined);
  }, options.depthEveryMs ?? 5_000);
  depthTimer.unref();

  return {
    connected: () => connected,
    async close() {
      clearInterval(depthTimer);
      closing = true;
      connected = false;
      // stop taking messages, let the ones in hand finish (bounded), then go; anything unacknowledged
      // is redelivered to the next consumer, which finds its e-mail if it was sent
      await channel.cancel(consumerTag).catch(() => undefined);
      const drained = Promise.allSettled([...inFlight]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, options.drainMs ?? 2_000)))]);
      clearTimeout(timer);
      await channel.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
    },
  };
}
