/**
 * The loadgen composition root, the only place that reads the environment, listens and handles
 * signals. Start it with `node --require @kit/telemetry/register dist/main.js` (`npm start`).
 */
import { baseConfigShape, createRuntimeConfig, exitOnStartFailure, loadConfig, startServer, serviceChaos } from '@kit/service';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { z } from 'zod';
import { createApp } from './app';
import { createGenerator, settingsSchema } from './generator';

const schema = z.object({
  ...baseConfigShape(8089),
  GATEWAY_URL: z.url().default('http://127.0.0.1:8080'),
  LOADGEN_RATE: z.coerce.number().min(0).max(2_000).default(5).describe('journeys started per second'),
  LOADGEN_CHECKOUT_SHARE: z.coerce.number().min(0).max(1).default(0.1),
  LOADGEN_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(200),
  LOADGEN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
});

async function main(): Promise<void> {
  const config = loadConfig(schema, process.env);
  const logger = createLogger({ level: config.LOG_LEVEL });
  const control = createRuntimeConfig({
    schema: settingsSchema,
    initial: { journeysPerSecond: config.LOADGEN_RATE, checkoutShare: config.LOADGEN_CHECKOUT_SHARE },
    logger,
  });
  const generator = createGenerator({
    gatewayUrl: config.GATEWAY_URL,
    random: Math.random,
    timeoutMs: config.LOADGEN_TIMEOUT_MS,
    maxInFlight: config.LOADGEN_MAX_IN_FLIGHT,
    settings: () => control.get(),
  });
  const lifecycle = new Lifecycle();
  await startServer({
    name: 'loadgen',
    app: createApp({ chaos: serviceChaos('loadgen', config, logger), lifecycle, logger, control, inFlight: generator.inFlight }),
    config,
    lifecycle,
    logger,
    closers: [{ name: 'generator', close: () => generator.stop() }],
    describe: { gateway: config.GATEWAY_URL, ...control.get() },
  });
  generator.start();
}

main().catch(exitOnStartFailure('loadgen'));
