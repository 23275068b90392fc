/**
 * The kit's OpenTelemetry Collector, natively: scripts/otelcol-build.sh builds it from
 * otel-collector/builder.yaml (cached per manifest), and it runs otel-collector/config.yaml unchanged;
 * only the environment points its exporters somewhere else than the compose hosts.
 */
import { execFileSync } from 'node:child_process';
import { startEngine, type EngineProcess } from './process';
import { repoPath } from './paths';

export const COLLECTOR_PORTS = { otlpGrpc: 4317, otlpHttp: 4318, faro: 8027, health: 13133, internalMetrics: 8888, exportedMetrics: 8889 } as const;

/** The built binary: $KIT_OTELCOL_BIN when scripts/test.sh already built it, else built (or cached) now. */
export function collectorBinary(): string {
  const prebuilt = process.env.KIT_OTELCOL_BIN;
  if (prebuilt !== undefined && prebuilt !== '') return prebuilt;
  return execFileSync('bash', [repoPath('scripts', 'otelcol-build.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

export interface CollectorOptions {
  /** Where traces go (Tempo's OTLP/HTTP endpoint in compose). */
  readonly tracesEndpoint: string;
  /** Where logs go (Loki's /otlp endpoint in compose). */
  readonly logsEndpoint: string;
  readonly encoding?: 'proto' | 'json';
  readonly environment?: string;
}

export function startCollector(options: CollectorOptions): Promise<EngineProcess> {
  return startEngine({
    name: 'otel-collector',
    command: collectorBinary(),
    args: ['--config', repoPath('otel-collector', 'config.yaml')],
    env: {
      OTELCOL_LISTEN_HOST: '127.0.0.1',
      TEMPO_OTLP_HTTP_ENDPOINT: options.tracesEndpoint,
      LOKI_OTLP_HTTP_ENDPOINT: options.logsEndpoint,
      BACKEND_OTLP_ENCODING: options.encoding ?? 'json',
      KIT_ENVIRONMENT: options.environment ?? 'ci',
    },
    readyUrl: `http://127.0.0.1:${COLLECTOR_PORTS.health}/`,
  });
}
