/**
 * The notifications module's consumer, kept connected inside the monolith. In services mode the
 * notifications service is crash-only: when it loses its broker it exits and its supervisor starts
 * it again. A module cannot do that here — exiting would take the whole shop down with it — so the
 * monolith reconnects the same consumer itself, with backoff, while notifications reports not ready.
 */
import type { Consumer } from '@kit/notifications/consumer';
import type { Logger } from '@kit/telemetry';

export interface SupervisedConsumer {
  readonly connected: () => boolean;
  close(): Promise<void>;
}

/**
 * Starts the consumer with `start(onLost)`, and starts it again whenever it is lost or cannot
 * connect (after 250 ms, doubling to at most `maxDelayMs`). Resolves once the first attempt ends,
 * connected or not: the shop takes orders without its broker.
 */
export async function superviseConsumer(options: {
  start: (onLost: (reason: string) => void) => Promise<Consumer>;
  logger: Logger;
  maxDelayMs?: number;
}): Promise<SupervisedConsumer> {
  const { logger } = options;
  let current: Consumer | undefined;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const retry = () => {
    if (closed) return;
    const delay = Math.min(250 * 2 ** Math.min(failures, 8), options.maxDelayMs ?? 5_000);
    failures += 1;
    timer = setTimeout(() => void attempt(), delay);
    timer.unref();
  };
  const attempt = async () => {
    try {
      const consumer = await options.start((reason) => {
        logger.error(`${reason}; the notifications module reconnects`, { module: 'notifications' });
        current = undefined;
        void consumer.close();
        retry();
      });
      if (closed) {
        await consumer.close();
        return;
      }
      current = consumer;
      if (failures > 0) logger.info('notifications consumer reconnected', { module: 'notifications', attempts: failures });
      failures = 0;
    } catch (error) {
      logger.warn('notifications consumer cannot connect; retrying', { module: 'notifications', error: error instanceof Error ? error.message : String(error) });
      retry();
    }
  };
  await attempt();
  return {
    connected: () => current?.connected() === true,
    async close() {
      closed = true;
      clearTimeout(timer);
      await current?.close();
      current = undefined;
    },
  };
}
