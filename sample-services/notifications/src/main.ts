/**
 * The notifications composition root, the only place that reads the environment, listens and
 * handles signals. Start it with `node --require @kit/telemetry/register dist/main.js` (`npm start`).
 */
import { exitOnStartFailure, startServer, serviceChaos } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { createApp } from './app';
import { loadConfig } from './config';
import { startConsumer, type Consumer } from './consumer';
import { createMailer } from './mailer';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.LOG_LEVEL });
  const chaos = serviceChaos('notifications', config, logger);
  const mailer = createMailer({ logger, failureRate: () => config.NOTIFICATIONS_FAILURE_RATE, random: Math.random });
  const consumer: Consumer | undefined =
    config.AMQP_URL === undefined
      ? undefined
      : await startConsumer({
          url: config.AMQP_URL,
          logger,
          send: (event) => mailer.send(event),
          maxAttempts: config.NOTIFICATIONS_MAX_ATTEMPTS,
          retryBaseMs: config.NOTIFICATIONS_RETRY_BASE_MS,
          prefetch: config.NOTIFICATIONS_PREFETCH,
          ...(chaos === undefined ? {} : { chaos: chaos.faults }),
          // crash-only: without its broker this service is useless, so it exits and its supervisor
          // (compose restart policy, Kubernetes, the native runner) starts it again
          onLost: (reason) => {
            logger.error(`${reason}; exiting so the supervisor restarts the service`);
            process.exitCode = 1;
            process.kill(process.pid, 'SIGTERM');
          },
        });
  const lifecycle = new Lifecycle(consumer === undefined ? [] : [{ name: 'broker', check: () => consumer.connected() }]);
  await startServer({
    name: 'notifications',
    app: createApp({ chaos, lifecycle, logger, mailer }),
    config,
    lifecycle,
    logger,
    closers: consumer === undefined ? [] : [{ name: 'consumer', close: () => consumer.close() }],
    describe: { broker: config.AMQP_URL === undefined ? 'none' : 'rabbitmq' },
  });
}

main().catch(exitOnStartFailure('notifications'));
