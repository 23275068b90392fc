/**
 * The native stack: every kit service as a Node process on loopback, started with the telemetry
 * preload and wired to the real PostgreSQL, Redis and RabbitMQ (scripts/engines.sh starts those) —
 * or, in monolith mode, the same shop as one process (sample-services/monolith) on the gateway's port,
 * with the same stores, beside the load generator.
 * It waits until each service is ready, restarts a process that dies (self-healing without an
 * orchestrator: at once, with a growing pause only when it keeps dying young), keeps each service's
 * output, and stops everything in order. Catalog, inventory and payments can run as several replicas
 * (`replicas`), each on its own port; their callers get every replica's base URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export const SERVICES = ['catalog', 'inventory', 'payments', 'orders', 'notifications', 'gateway', 'loadgen'] as const;
export type ServiceName = (typeof SERVICES)[number];
/** Every process a stack can run: the services, or the monolith in their place (loadgen in both). */
export type ProcessName = ServiceName | 'monolith';
export type StackMode = 'services' | 'monolith';

/** The processes each mode runs. */
export const MODE_PROCESSES: Readonly<Record<StackMode, readonly ProcessName[]>> = {
  services: SERVICES,
  monolith: ['monolith', 'loadgen'],
};
/** The services the monolith runs as modules (their env entries are merged into its own). */
const MODULE_SERVICES: readonly ServiceName[] = ['gateway', 'catalog', 'orders', 'inventory', 'payments', 'notifications'];

const OFFSETS: Record<ProcessName, number> = { gateway: 0, monolith: 0, catalog: 1, orders: 2, inventory: 3, payments: 4, notifications: 5, loadgen: 9 };

/** The loopback port a process of a stack started at `basePort` listens on (the monolith takes the gateway's). */
export function servicePort(basePort: number, service: ProcessName): number {
  return basePort + OFFSETS[service];
}

/** Services that can run as several replicas: stateless, or sharing their store safely. */
export const REPLICABLE = ['catalog', 'inventory', 'payments'] as const;
export type ReplicableService = (typeof REPLICABLE)[number];
/** One running process: a process name (the first replica) or `<service>-<n>` for replica n ≥ 2. */
export type InstanceName = ProcessName | `${ReplicableService}-${number}`;

/** Replica `n` (1-based) of a service: replica 1 on the service's port, replica n ten ports further per step. */
export function replicaPort(basePort: number, service: ProcessName, replica: number): number {
  return servicePort(basePort, service) + 10 * (replica - 1);
}

/** The instance names of a service run as `count` replicas: `catalog`, `catalog-2`, … */
export function replicaNames(service: ProcessName, count: number): InstanceName[] {
  return Array.from({ length: count }, (_, index) => (index === 0 ? service : (`${service}-${String(index + 1)}` as InstanceName)));
}

/** A run that ends sooner than this after its start counts towards a crash loop. */
const CRASH_LOOP_RUN_MS = 5_000;
/** Pause before restarting after the n-th consecutive short run (n ≥ 1): none for the first. */
export function restartDelayMs(consecutiveShortRuns: number): number {
  return consecutiveShortRuns <= 1 ? 0 : Math.min(250 * 2 ** (consecutiveShortRuns - 2), 5_000);
}

export interface StackOptions {
  /** `services` (default): six services; `monolith`: the monolith on the gateway's port. Loadgen runs in both. */
  readonly mode?: StackMode;
  /** Gateway port; the others follow it (catalog +1, orders +2, inventory +3, payments +4, notifications +5, loadgen +9). */
  readonly basePort?: number;
  readonly otlpEndpoint?: string;
  readonly otlpProtocol?: 'http/protobuf' | 'http/json' | 'grpc';
  readonly postgresUrl?: string;
  readonly redisUrl?: string;
  readonly amqpUrl?: string;
  /** PostgreSQL database per service (defaults kit_catalog, kit_orders, kit_notifications); a second stack needs its own. */
  readonly databases?: { readonly catalog: string; readonly orders: string; readonly notifications: string };
  /**
   * Extra environment per process (feature toggles, faults, tighter timeouts in tests). In monolith
   * mode the entries of the gateway and the five services are merged into the monolith's (its modules
   * read the same keys), then its own entry on top.
   */
  readonly env?: Partial<Record<ProcessName, Record<string, string>>>;
  /** Environment every process gets (chaos switch and token, exporters), under its own `env` entry. */
  readonly commonEnv?: Record<string, string>;
  /** Called with every output line (stdout and stderr) of every process (replicas by instance name). */
  readonly onLine?: (service: InstanceName, line: string) => void;
  readonly readyTimeoutMs?: number;
  /**
   * Replicas per service (services mode; default 1), e.g. `{ catalog: 2 }`. Replica n listens 10 × (n − 1)
   * ports above the service's port; its callers (gateway, orders) get every replica's base URL.
   */
  readonly replicas?: Partial<Record<ReplicableService, number>>;
}

/** Where to reach a stack: the public entry point (gateway or monolith), loadgen, and each process and replica. */
export type StackUrls = { readonly gateway: string; readonly loadgen: string } & Readonly<Partial<Record<InstanceName, string>>>;

/** One restart of an instance, as the runner saw it (ms since the epoch). */
export interface RestartRecord {
  /** When the process exited, and how (`SIGKILL`, or an exit code). */
  readonly exitedAt: number;
  readonly how: string;
  /** When its replacement was spawned. */
  readonly launchedAt: number;
  /** When the replacement's /readyz first answered 200 (polled every 50 ms); undefined until then. */
  readyAt: number | undefined;
}

export interface RunningStack {
  readonly mode: StackMode;
  /** The processes this stack runs. */
  readonly processes: readonly ProcessName[];
  /** Every running instance: the processes, plus `<service>-<n>` for each extra replica. */
  readonly instances: readonly InstanceName[];
  readonly urls: StackUrls;
  /** Every line each process wrote so far. */
  lines(service: InstanceName): readonly string[];
  /** Restarts observed per process (crash recoveries). */
  restarts(service: InstanceName): number;
  /** Each restart of an instance: when it exited, was relaunched and was ready again. */
  restartHistory(service: InstanceName): readonly RestartRecord[];
  /** The current process id of each running process. */
  pid(service: InstanceName): number | undefined;
  stop(): Promise<void>;
}

interface Managed {
  child: ChildProcess | undefined;
  restarts: number;
  lines: string[];
  history: RestartRecord[];
  launchedAt: number;
  shortRuns: number;
}

type EnvSettings = Required<Pick<StackOptions, 'basePort' | 'otlpEndpoint' | 'otlpProtocol' | 'postgresUrl' | 'redisUrl' | 'amqpUrl' | 'databases'>> & {
  readonly replicas: (service: ProcessName) => number;
};

function serviceEnv(name: ProcessName, replica: number, options: EnvSettings) {
  // every replica's base URL, comma-separated (the callers' configs take a list)
  const url = (service: ProcessName) =>
    Array.from({ length: options.replicas(service) }, (_, index) => `http://127.0.0.1:${String(replicaPort(options.basePort, service, index + 1))}`).join(',');
  const common: Record<string, string> = {
    PORT: String(replicaPort(options.basePort, name, replica)),
    HOST: '127.0.0.1',
    OTEL_SERVICE_NAME: name,
    OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=kit,deployment.environment.name=native',
    OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: options.otlpProtocol,
  };
  const own: Record<ProcessName, Record<string, string>> = {
    // one process, each module with its own store: three databases, Redis, the broker
    monolith: {
      CATALOG_DATABASE_URL: `${options.postgresUrl}/${options.databases.catalog}`,
      ORDERS_DATABASE_URL: `${options.postgresUrl}/${options.databases.orders}`,
      NOTIFICATIONS_DATABASE_URL: `${options.postgresUrl}/${options.databases.notifications}`,
      REDIS_URL: options.redisUrl,
      AMQP_URL: options.amqpUrl,
    },
    gateway: { CATALOG_URL: url('catalog'), ORDERS_URL: url('orders'), INVENTORY_URL: url('inventory'), NOTIFICATIONS_URL: url('notifications'), PAYMENTS_URL: url('payments') },
    catalog: { DATABASE_URL: `${options.postgresUrl}/${options.databases.catalog}` },
    orders: {
      DATABASE_URL: `${options.postgresUrl}/${options.databases.orders}`,
      AMQP_URL: options.amqpUrl,
      CATALOG_URL: url('catalog'),
      INVENTORY_URL: url('inventory'),
      PAYMENTS_URL: url('payments'),
    },
    inventory: { REDIS_URL: options.redisUrl },
    payments: {},
    notifications: { DATABASE_URL: `${options.postgresUrl}/${options.databases.notifications}`, AMQP_URL: options.amqpUrl },
    loadgen: { GATEWAY_URL: url('gateway') },
  };
  return { ...common, ...own[name] };
}

async function waitReady(url: string, timeoutMs: number, alive: () => boolean, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`${url} exited before it was ready`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(everyMs);
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms`);
}

export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const mode = options.mode ?? 'services';
  const processes = MODE_PROCESSES[mode];
  const replicaCount = (service: ProcessName): number => {
    const count = mode === 'services' ? ((options.replicas as Partial<Record<ProcessName, number>> | undefined)?.[service] ?? 1) : 1;
    if (!Number.isInteger(count) || count < 1 || count > 9) throw new Error(`replicas of ${service} must be 1 to 9, not ${String(count)}`);
    return count;
  };
  for (const service of Object.keys(options.replicas ?? {})) {
    if (!(REPLICABLE as readonly string[]).includes(service)) throw new Error(`${service} cannot run as replicas; only ${REPLICABLE.join(', ')} can`);
  }
  const settings: EnvSettings = {
    replicas: replicaCount,
    basePort: options.basePort ?? 8080,
    otlpEndpoint: options.otlpEndpoint ?? 'http://127.0.0.1:4318',
    otlpProtocol: options.otlpProtocol ?? 'http/protobuf',
    postgresUrl: options.postgresUrl ?? 'postgres://kit:kit@127.0.0.1:5432',
    redisUrl: options.redisUrl ?? 'redis://127.0.0.1:6379/0',
    amqpUrl: options.amqpUrl ?? 'amqp://guest:guest@127.0.0.1:5672',
    databases: options.databases ?? { catalog: 'kit_catalog', orders: 'kit_orders', notifications: 'kit_notifications' },
  };
  const preload = require.resolve('@kit/telemetry/register');
  const root = path.resolve(__dirname, '..', '..', '..');
  const managed = new Map<InstanceName, Managed>();
  const instancesOf = (name: ProcessName) => replicaNames(name, replicaCount(name));
  const instances = processes.flatMap(instancesOf);
  let stopping = false;
  const extraEnv = (name: ProcessName): Record<string, string> => {
    if (name !== 'monolith') return { ...options.commonEnv, ...options.env?.[name] };
    const merged: Record<string, string> = { ...options.commonEnv };
    for (const source of [...MODULE_SERVICES, 'monolith'] as const) Object.assign(merged, options.env?.[source]);
    return merged;
  };

  const serviceOf = (instance: InstanceName): ProcessName => instance.replace(/-\d+$/, '') as ProcessName;
  const replicaOf = (instance: InstanceName): number => Number(/-(\d+)$/.exec(instance)?.[1] ?? '1');
  const address = (instance: InstanceName) => `http://127.0.0.1:${String(replicaPort(settings.basePort, serviceOf(instance), replicaOf(instance)))}`;

  const launch = (instance: InstanceName): ChildProcess => {
    const name = serviceOf(instance);
    const state = managed.get(instance) ?? { child: undefined, restarts: 0, lines: [], history: [], launchedAt: 0, shortRuns: 0 };
    managed.set(instance, state);
    state.launchedAt = Date.now();
    const child = spawn(process.execPath, ['--require', preload, path.join(root, 'sample-services', name, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', ...serviceEnv(name, replicaOf(instance), settings), ...extraEnv(name) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        state.lines.push(line);
        options.onLine?.(instance, line);
      });
    }
    child.once('exit', (code, signal) => {
      if (stopping) return;
      // self-healing: a dead service comes back at once, as a restart policy brings a container
      // back; only one that keeps dying young waits, longer each time (up to 5 s)
      const exitedAt = Date.now();
      state.restarts += 1;
      state.shortRuns = exitedAt - state.launchedAt < CRASH_LOOP_RUN_MS ? state.shortRuns + 1 : 0;
      const delay = restartDelayMs(state.shortRuns);
      options.onLine?.(instance, `[runner] ${instance} exited (${signal ?? String(code)}); restarting${delay > 0 ? ` in ${String(delay)} ms` : ''}`);
      const relaunch = () => {
        if (stopping) return;
        const record: RestartRecord = { exitedAt, how: signal ?? String(code), launchedAt: Date.now(), readyAt: undefined };
        state.history.push(record);
        const replacement = launch(instance);
        // when the replacement is ready again, for whoever measures the outage
        void waitReady(address(instance), options.readyTimeoutMs ?? 30_000, () => replacement.exitCode === null && replacement.signalCode === null, 50).then(
          () => {
            record.readyAt = Date.now();
            options.onLine?.(instance, `[runner] ${instance} ready again ${String(record.readyAt - exitedAt)} ms after it exited`);
          },
          () => undefined,
        );
      };
      if (delay === 0) relaunch();
      else setTimeout(relaunch, delay).unref();
    });
    state.child = child;
    return child;
  };

  // safety net: whatever ends this process, no service outlives it
  const killAll = () => {
    for (const { child } of managed.values()) if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);

  const urls: StackUrls = { ...Object.fromEntries(instances.map((name) => [name, address(name)])), gateway: address('gateway'), loadgen: address('loadgen') };
  const stop = async () => {
    stopping = true;
    // the traffic source and the entry point first, so no new work arrives; then everything else
    const groups: ProcessName[][] = mode === 'monolith' ? [['loadgen'], ['monolith']] : [['loadgen'], ['gateway'], SERVICES.filter((s) => s !== 'gateway' && s !== 'loadgen')];
    for (const group of groups) {
      await Promise.all(
        group.flatMap(instancesOf).map(async (name) => {
          const child = managed.get(name)?.child;
          if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
          await exited;
          clearTimeout(timer);
        }),
      );
    }
    process.removeListener('exit', killAll);
  };

  try {
    // leaves first, so every service finds its dependencies ready
    const groups: ProcessName[][] = mode === 'monolith' ? [['monolith'], ['loadgen']] : [['catalog', 'inventory', 'payments', 'notifications'], ['orders'], ['gateway'], ['loadgen']];
    const startAll = (names: readonly InstanceName[]) =>
      Promise.all(
        names.map((name) => {
          const child = launch(name);
          return waitReady(address(name), options.readyTimeoutMs ?? 30_000, () => child.exitCode === null);
        }),
      );
    for (const group of groups) {
      await startAll(group);
      // further replicas once the first is ready (it created the service's tables)
      await startAll(group.flatMap((name) => instancesOf(name).slice(1)));
    }
  } catch (error) {
    await stop();
    const details = instances.map((name) => `--- ${name}\n${(managed.get(name)?.lines ?? []).slice(-10).join('\n')}`).join('\n');
    throw new Error(`the native stack did not start: ${error instanceof Error ? error.message : String(error)}\n${details}`, { cause: error });
  }

  return {
    mode,
    processes,
    instances,
    urls,
    lines: (name) => managed.get(name)?.lines ?? [],
    restarts: (name) => managed.get(name)?.restarts ?? 0,
    restartHistory: (name) => managed.get(name)?.history ?? [],
    pid: (name) => managed.get(name)?.child?.pid,
    stop,
  };
}
