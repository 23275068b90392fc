/**
 * Publishing order events. With AMQP_URL set, events go to RabbitMQ's `orders` topic exchange with
 * publisher confirms (an event counts as published only once the broker has it); without it, they
 * are kept in memory so the service still runs alone.
 */
import { currentChaos } from '@kit/service';
import { context, propagation } from '@opentelemetry/api';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { OutboxEvent } from './domain';

export const ORDERS_EXCHANGE = 'orders';

export interface EventPublisher {
  /** Resolves once the broker confirmed the event; rejects when it is unreachable. */
  publish(event: OutboxEvent): Promise<void>;
  close(): Promise<void>;
}

export function createMemoryPublisher(): EventPublisher & { readonly published: OutboxEvent[] } {
  const published: OutboxEvent[] = [];
  return {
    published,
    publish(event) {
      published.push(event);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

/** Connects lazily and reconnects after a failure, so a broker outage only delays publishing. */
export function createAmqpPublisher(url: string): EventPublisher {
  let connecting: Promise<{ connection: ChannelModel; channel: ConfirmChannel }> | undefined;
  const connect = () => {
    connecting ??= (async () => {
      const connection = await amqp.connect(url, { timeout: 2_000 });
      const reset = () => {
        connecting = undefined;
      };
      connection.on('error', reset);
      connection.on('close', reset);
      const channel = await connection.createConfirmChannel();
      channel.on('error', reset);
      await channel.assertExchange(ORDERS_EXCHANGE, 'topic', { durable: true });
      return { connection, channel };
    })().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    return connecting;
  };
  return {
    async publish(event) {
      // a chaos partition from the broker ("dependency" fault, target rabbitmq): as if it were down
      if (currentChaos()?.dependencyFault('rabbitmq') !== undefined) throw new Error('chaos: the broker is unreachable');
      const { channel } = await connect();
      // publish inside the checkout's trace, so the producer span (and the consumer after it) join it
      const origin = propagation.extract(context.active(), event.headers);
      await context.with(origin, async () => {
        channel.publish(ORDERS_EXCHANGE, event.type, Buffer.from(JSON.stringify(event.payload)), {
          persistent: true,
          messageId: event.id,
          contentType: 'application/json',
          type: event.type,
          headers: { ...event.headers },
        });
        await channel.waitForConfirms();
      });
    },
    async close() {
      const current = connecting;
      connecting = undefined;
      if (current === undefined) return;
      const { connection } = await current.catch(() => ({ connection: undefined }));
      await connection?.close().catch(() => undefined);
    },
  };
}
