/**
 * The payments composition root, the only place that reads the environment, listens and handles
 * signals. Start it with `node --require @kit/telemetry/register dist/main.js` (`npm start`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { exitOnStartFailure, startServer, serviceChaos } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { createApp } from './app';
import { loadConfig } from './config';
import { createProvider } from './provider';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.LOG_LEVEL });
  const settings = {
    medianMs: config.PAYMENTS_LATENCY_MEDIAN_MS,
    sigma: config.PAYMENTS_LATENCY_SIGMA,
    declineRate: config.PAYMENTS_DECLINE_RATE,
  };
  const provider = createProvider({ settings: () => settings, random: Math.random, sleep: (ms) => sleep(ms), now: () => new Date() });
  const lifecycle = new Lifecycle();
  await startServer({
    name: 'payments',
    app: createApp({ chaos: serviceChaos('payments', config, logger), provider, logger, lifecycle }),
    config,
    lifecycle,
    logger,
    describe: settings,
  });
}

main().catch(exitOnStartFailure('payments'));
