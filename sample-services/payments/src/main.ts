/**
 * The payments composition root, the only place that reads the environment, listens and handles
 * signals. Start it with `node --require @kit/telemetry/register dist/main.js` (`npm start`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createRuntimeConfig, exitOnStartFailure, startServer, serviceChaos } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { createApp } from './app';
import { loadConfig } from './config';
import { createProvider } from './provider';
import { initialRuntime, providerSettings, runtimeSchema } from './runtime';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.LOG_LEVEL });
  // the simulated provider's latency and decline rate change while payments runs (PUT /admin/config, CONFIG_FILE)
  const runtime = createRuntimeConfig({ schema: runtimeSchema, initial: initialRuntime(config), logger, onChange: (settings) => (logger.level = settings.logLevel) });
  const stopWatching = config.CONFIG_FILE === undefined ? undefined : runtime.watch(config.CONFIG_FILE);
  const settings = runtime.derive(providerSettings);
  const provider = createProvider({ settings, random: Math.random, sleep: (ms) => sleep(ms), now: () => new Date() });
  const lifecycle = new Lifecycle();
  await startServer({
    name: 'payments',
    app: createApp({
      chaos: serviceChaos('payments', config, logger),
      provider,
      logger,
      lifecycle,
      adminRoutes: config.ADMIN_TOKEN === undefined ? undefined : runtime.router(config.ADMIN_TOKEN),
    }),
    config,
    lifecycle,
    logger,
    closers: [{ name: 'config watch', close: () => stopWatching?.() }],
    describe: { ...settings() },
  });
}

main().catch(exitOnStartFailure('payments'));
