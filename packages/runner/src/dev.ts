/**
 * `npm run dev`: the whole kit without Docker. Installs and starts PostgreSQL, Redis and RabbitMQ
 * (scripts/engines.sh), then every service with telemetry to a collector on localhost:4318, and
 * prints each service's output with its name. Ctrl-C stops everything.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SERVICES, startStack } from './stack';

async function main(): Promise<void> {
  // Ctrl-C while starting: exit at once; the runner's exit hook stops whatever already started
  const early = () => process.exit(130);
  process.once('SIGINT', early);
  process.once('SIGTERM', early);
  const root = path.resolve(__dirname, '..', '..', '..');
  const engines = spawnSync('bash', [path.join(root, 'scripts', 'engines.sh')], { stdio: 'inherit' });
  if (engines.status !== 0) throw new Error('scripts/engines.sh failed');
  const width = Math.max(...SERVICES.map((s) => s.length));
  // chaos is on natively (loopback only), with the token from the environment or a fresh one
  const chaosToken = process.env.CHAOS_TOKEN !== undefined && process.env.CHAOS_TOKEN.length >= 16 ? process.env.CHAOS_TOKEN : randomBytes(12).toString('hex');
  const chaos = { CHAOS_ENABLED: 'true', CHAOS_TOKEN: chaosToken };
  const stack = await startStack({
    basePort: Number(process.env.KIT_BASE_PORT ?? 8080),
    otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318',
    env: Object.fromEntries(SERVICES.map((service) => [service, chaos])),
    onLine: (service, line) => process.stdout.write(`${service.padEnd(width)} | ${line}\n`),
  });
  process.stdout.write(`\nthe kit is up:\n${SERVICES.map((s) => `  ${s.padEnd(width)}  ${stack.urls[s]}`).join('\n')}\n\ntry: curl ${stack.urls.gateway}/api/health\nchaos: export CHAOS_TOKEN=${chaosToken} KIT_GATEWAY_URL=${stack.urls.gateway}; npm run chaos -- help\n\n`);
  process.removeListener('SIGINT', early);
  process.removeListener('SIGTERM', early);
  const stop = () => {
    void stack.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
