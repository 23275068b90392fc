/**
 * The outbox relay: polls for unpublished events and publishes them in order. When the broker is
 * down, events wait in the outbox (nothing is lost) and the relay backs off; when it returns, every
 * pending event goes out. Delivery is at least once; consumers deduplicate by event id.
 */
import { METRIC_OUTBOX_PENDING, METRIC_OUTBOX_PUBLISHED, serviceCounter, serviceGauge, type Logger } from '@kit/telemetry';
import type { EventPublisher } from './publisher';
import type { OrdersStore } from './store';

export interface RelayOptions {
  readonly store: OrdersStore;
  readonly publisher: EventPublisher;
  readonly logger: Logger;
  readonly pollMs: number;
  readonly batchSize?: number;
  /** Longest wait between attempts while the broker is down. */
  readonly maxBackoffMs?: number;
}

export interface Relay {
  /** Publishes what is pending now; resolves with how many went out. */
  drain(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export function createRelay(options: RelayOptions): Relay {
  const { store, publisher, logger } = options;
  const pending = serviceGauge(METRIC_OUTBOX_PENDING, 'Order events waiting in the outbox for the broker.', []);
  const published = serviceCounter(METRIC_OUTBOX_PUBLISHED, 'Order events the broker confirmed.', []);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let failures = 0;
  let stopped = true;

  async function drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      const events = await store.pendingEvents(options.batchSize ?? 50);
      if (events.length === 0) break;
      const done: string[] = [];
      try {
        for (const event of events) {
          await publisher.publish(event);
          done.push(event.id);
        }
      } finally {
        await store.markPublished(done);
        sent += done.length;
        published.inc(done.length);
      }
    }
    pending.set(await store.pendingCount());
    return sent;
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = drain().then(
        () => {
          if (failures > 0) logger.info('outbox relay reconnected; pending events published', { after_failures: failures });
          failures = 0;
          schedule(options.pollMs);
        },
        async (error: unknown) => {
          failures += 1;
          if (failures === 1) logger.warn('outbox relay cannot publish; events wait in the outbox', { 'error.type': error instanceof Error ? error.name : 'Error', error: String(error) });
          pending.set(await store.pendingCount().catch(() => Number.NaN));
          schedule(Math.min(options.pollMs * 2 ** failures, options.maxBackoffMs ?? 5_000));
        },
      );
    }, delay);
    timer.unref();
  }

  return {
    drain,
    start() {
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
