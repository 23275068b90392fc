/**
 * The single sources the manifests are generated from: docker-compose.yml and .env (images,
 * environment, memory limits — read raw, so secrets stay references), alerts/*.yml (the rules),
 * grafana/dashboards/kit/*.json (the dashboards) and otel-collector/config.yaml.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { memoryBytes, readEnvFile, repoPath } from '@kit/stack';
import { parse } from 'yaml';

/** The kit's workloads that run our image, in the order compose lists them. */
export const SERVICES = ['gateway', 'catalog', 'orders', 'inventory', 'payments', 'notifications'] as const;
export type ServiceName = (typeof SERVICES)[number];
export const WORKLOADS = [...SERVICES, 'loadgen'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** .env keys that hold secrets: the manifests keep them in a Secret and reference them, never inline. */
export const SECRET_KEYS = ['POSTGRES_PASSWORD', 'RABBITMQ_PASSWORD', 'ADMIN_TOKEN', 'CHAOS_TOKEN'] as const;

interface RawComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  deploy?: { resources?: { limits?: { memory?: string } } };
  healthcheck?: { test?: string[] };
  networks?: string[] | Record<string, { aliases?: string[] } | null>;
}

/** The network aliases a compose service answers to besides its name (e.g. the gateway's `shop`). */
export function composeAliases(source: ComposeSource, name: string): string[] {
  const networks = composeService(source, name).networks;
  if (networks === undefined || Array.isArray(networks)) return [];
  return Object.values(networks).flatMap((network) => network?.aliases ?? []);
}

export interface ComposeSource {
  readonly env: ReadonlyMap<string, string>;
  readonly services: Readonly<Record<string, RawComposeService>>;
}

/** docker-compose.yml without interpolation (YAML merge keys resolved) and the .env it reads. */
export function composeSource(): ComposeSource {
  const doc = parse(readFileSync(repoPath('docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, RawComposeService> };
  return { env: readEnvFile(repoPath('.env')), services: doc.services };
}

/** A compose value with ${VAR} replaced: secrets become Kubernetes $(VAR) references, the rest .env's value. */
export function interpolate(value: string, env: ReadonlyMap<string, string>): string {
  return value.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_match, name: string) => {
    if ((SECRET_KEYS as readonly string[]).includes(name)) return `$(${name})`;
    const resolved = env.get(name);
    if (resolved === undefined) throw new Error(`docker-compose.yml uses \${${name}}, which .env does not define`);
    return resolved;
  });
}

export function composeService(source: ComposeSource, name: string): RawComposeService {
  const service = source.services[name];
  if (service === undefined) throw new Error(`docker-compose.yml has no service ${name}`);
  return service;
}

/** The image of a compose service, interpolated from .env. */
export function composeImage(source: ComposeSource, name: string): string {
  const image = composeService(source, name).image;
  if (image === undefined) throw new Error(`compose service ${name} has no image`);
  return interpolate(image, source.env);
}

/** The compose memory limit of a service, in MiB. */
export function composeMemoryMiB(source: ComposeSource, name: string): number {
  const limit = composeService(source, name).deploy?.resources?.limits?.memory;
  if (limit === undefined) throw new Error(`compose service ${name} has no memory limit`);
  return Math.round(memoryBytes(limit) / 2 ** 20);
}

/** The environment a compose service gets, interpolated (secrets as $(VAR) references), sorted by name. */
export function composeEnvironment(source: ComposeSource, name: string): [string, string][] {
  const environment = composeService(source, name).environment ?? {};
  return Object.entries(environment)
    .map(([key, value]): [string, string] => [key, interpolate(String(value), source.env)])
    .sort(([a], [b]) => a.localeCompare(b));
}

/** Secret values (the .env demo values) the kit's Secret holds. */
export function secretValues(source: ComposeSource): Record<string, string> {
  return Object.fromEntries(SECRET_KEYS.map((key) => [key, source.env.get(key) ?? '']));
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: Record<string, unknown>[];
}

/** Every rule group of alerts/*.yml, file by file in name order, exactly as the files hold them. */
export function alertGroups(): RuleGroup[] {
  const folder = repoPath('alerts');
  return readdirSync(folder)
    .filter((file) => file.endsWith('.yml'))
    .sort()
    .flatMap((file) => (parse(readFileSync(`${folder}/${file}`, 'utf8')) as { groups: RuleGroup[] }).groups);
}

export interface DashboardFile {
  readonly file: string;
  readonly uid: string;
  readonly title: string;
  readonly json: string;
}

/** The committed dashboards (grafana/dashboards/<folder>/*.json), byte for byte. */
export function dashboardFiles(folder: string): DashboardFile[] {
  const dir = repoPath('grafana', 'dashboards', folder);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const json = readFileSync(`${dir}/${file}`, 'utf8');
      const parsed = JSON.parse(json) as { uid: string; title: string };
      return { file, uid: parsed.uid, title: parsed.title, json };
    });
}

/** otel-collector/config.yaml, byte for byte. */
export function collectorConfig(): string {
  return readFileSync(repoPath('otel-collector', 'config.yaml'), 'utf8');
}

/** postgres/init-databases.sql, byte for byte (creates the per-service databases on first start). */
export function postgresInit(): string {
  return readFileSync(repoPath('postgres', 'init-databases.sql'), 'utf8');
}
