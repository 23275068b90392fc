/**
 * Prometheus and Alertmanager, natively (Debian's binaries), running the kit's own files.
 *
 * `nativePrometheusConfig` derives the loopback variant of prometheus/prometheus.yml: the same
 * globals, storage, rules and relabelling; only target discovery changes — each compose address
 * (service:port, or a DNS name of the kit-services job) is mapped to where that process listens
 * here, and jobs whose target does not run natively (Loki, Tempo, Grafana) are left out and reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SERVICES, replicaPort, type ProcessName, type ReplicableService } from '@kit/runner';
import { parse, stringify } from 'yaml';
import { startEngine, type EngineProcess } from './process';
import { repoPath } from './paths';

interface StaticConfig {
  targets: string[];
  labels?: Record<string, string>;
}
interface DnsSdConfig {
  names: string[];
  port: number;
}
interface ScrapeConfig {
  job_name: string;
  static_configs?: StaticConfig[];
  dns_sd_configs?: DnsSdConfig[];
  [key: string]: unknown;
}
interface PrometheusConfig {
  rule_files?: string[];
  alerting?: { alertmanagers: { static_configs: StaticConfig[] }[] };
  scrape_configs: ScrapeConfig[];
  [key: string]: unknown;
}

export interface NativeTargets {
  /** compose "host:port" (or DNS name:port) → loopback "127.0.0.1:port", or several (replicas) */
  readonly [composeAddress: string]: string | readonly string[];
}

/**
 * Compose address → loopback address of every process of a native stack (the six services and
 * loadgen by default; `['monolith', 'loadgen']` for a monolith stack), every replica of a service
 * run as several (`replicas`), plus any extra ones.
 */
export function loopbackTargets(
  basePort: number,
  extra: NativeTargets = {},
  processes: readonly ProcessName[] = SERVICES,
  replicas: Partial<Record<ReplicableService, number>> = {},
): NativeTargets {
  const targets: Record<string, string | readonly string[]> = { ...extra };
  for (const service of processes) {
    const count = (replicas as Partial<Record<ProcessName, number>>)[service] ?? 1;
    const addresses = Array.from({ length: count }, (_, index) => `127.0.0.1:${String(replicaPort(basePort, service, index + 1))}`);
    targets[`${service}:8080`] = addresses.length === 1 ? (addresses[0] ?? '') : addresses;
  }
  return targets;
}

export interface DerivedConfig {
  readonly yaml: string;
  readonly droppedJobs: readonly string[];
}

export function nativePrometheusConfig(source: string, targets: NativeTargets): DerivedConfig {
  const config = parse(source) as PrometheusConfig;
  const mapTargets = (address: string): readonly string[] => {
    const mapped = targets[address];
    return mapped === undefined ? [] : typeof mapped === 'string' ? [mapped] : mapped;
  };
  const droppedJobs: string[] = [];
  const jobs: ScrapeConfig[] = [];
  for (const job of config.scrape_configs) {
    const groups: StaticConfig[] = [];
    for (const group of job.static_configs ?? []) {
      const mapped = group.targets.flatMap(mapTargets);
      if (mapped.length > 0) groups.push({ ...group, targets: mapped });
    }
    for (const sd of job.dns_sd_configs ?? []) {
      for (const name of sd.names) {
        const mapped = mapTargets(`${name}:${String(sd.port)}`);
        // what DNS discovery attaches to a target, so the job's relabelling runs unchanged
        if (mapped.length > 0) groups.push({ targets: [...mapped], labels: { __meta_dns_name: name } });
      }
    }
    if (groups.length === 0) {
      droppedJobs.push(job.job_name);
      continue;
    }
    const native: ScrapeConfig = { ...job, static_configs: groups };
    delete native.dns_sd_configs;
    jobs.push(native);
  }
  const alerting = config.alerting === undefined ? undefined : {
    alertmanagers: config.alerting.alertmanagers
      .map((am) => ({ ...am, static_configs: am.static_configs.map((g) => ({ ...g, targets: g.targets.flatMap(mapTargets) })) }))
      .filter((am) => am.static_configs.some((g) => g.targets.length > 0)),
  };
  const derived: PrometheusConfig = {
    ...config,
    // compose mounts alerts/ at /etc/prometheus/alerts
    rule_files: (config.rule_files ?? []).map((file) => file.replace(/^\/etc\/prometheus\/alerts\//, `${repoPath('alerts')}/`)),
    ...(alerting === undefined ? {} : { alerting }),
    scrape_configs: jobs,
  };
  return { yaml: stringify(derived), droppedJobs };
}

export interface RunningPrometheus extends EngineProcess {
  readonly url: string;
  readonly configFile: string;
  /** Instant query; returns the result vector. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  exemplars(expr: string): Promise<{ seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string>; value: string }[] }[]>;
}

/**
 * Starts Debian's `prometheus` with the compose service's own flags (config and storage paths and
 * the listen address adjusted), so a flag Prometheus 2.42 does not know fails here too.
 */
export async function startPrometheus(options: { config: string; port: number; composeFlags: readonly string[] }): Promise<RunningPrometheus> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kit-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(configFile, options.config);
  const url = `http://127.0.0.1:${String(options.port)}`;
  const flags = options.composeFlags.filter((flag) => !/^--(config\.file|storage\.tsdb\.path|web\.listen-address)=/.test(flag));
  const engine = await startEngine({
    name: 'prometheus',
    command: 'prometheus',
    args: [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${String(options.port)}`, ...flags],
    readyUrl: `${url}/-/ready`,
  });
  const api = async <T>(pathAndQuery: string): Promise<T> => {
    const res = await fetch(`${url}${pathAndQuery}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${pathAndQuery}: ${body.error ?? res.status}`);
    return body.data;
  };
  return {
    ...engine,
    url,
    configFile,
    query: async (expr) => (await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    exemplars: (expr) => {
      const now = Date.now() / 1000;
      return api(`/api/v1/query_exemplars?query=${encodeURIComponent(expr)}&start=${String(now - 600)}&end=${String(now + 60)}`);
    },
    stop: async () => {
      await engine.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Alertmanager (binary prometheus-alertmanager) with alertmanager/alertmanager.yml. */
export async function startAlertmanager(options: { port: number }): Promise<EngineProcess & { url: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kit-alertmanager-'));
  const url = `http://127.0.0.1:${String(options.port)}`;
  const engine = await startEngine({
    name: 'alertmanager',
    command: 'prometheus-alertmanager',
    args: [
      `--config.file=${repoPath('alertmanager', 'alertmanager.yml')}`,
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${String(options.port)}`,
      // a single instance: no gossip port
      '--cluster.listen-address=',
    ],
    readyUrl: `${url}/-/ready`,
  });
  return {
    ...engine,
    url,
    stop: async () => {
      await engine.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
