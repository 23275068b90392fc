/**
 * The native stack: every kit service as a Node process on loopback, started with the telemetry
 * preload and wired to the real PostgreSQL, Redis and RabbitMQ (scripts/engines.sh starts those) —
 * or, in monolith mode, the same shop as one process (sample-services/monolith) on the gateway's port,
 * with the same stores, beside the load generator.
 * It waits until each service is ready, restarts a process that dies (self-healing without an
 * orchestrator), keeps each service's output, and stops everything in order.
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
  /** Called with every output line (stdout and stderr) of every process. */
  readonly onLine?: (service: ProcessName, line: string) => void;
  readonly readyTimeoutMs?: number;
}

/** Where to reach a stack: the public entry point (gateway or monolith), loadgen, and each process. */
export type StackUrls = { readonly gateway: string; readonly loadgen: string } & Readonly<Partial<Record<ProcessName, string>>>;

export interface RunningStack {
  readonly mode: StackMode;
  /** The processes this stack runs. */
  readonly processes: readonly ProcessName[];
  readonly urls: StackUrls;
  /** Every line each process wrote so far. */
  lines(service: ProcessName): readonly string[];
  /** Restarts observed per process (crash recoveries). */
  restarts(service: ProcessName): number;
  /** The current process id of each running process. */
  pid(service: ProcessName): number | undefined;
  stop(): Promise<void>;
}

interface Managed {
  child: ChildProcess | undefined;
  restarts: number;
  lines: string[];
}

function serviceEnv(name: ProcessName, options: Required<Pick<StackOptions, 'basePort' | 'otlpEndpoint' | 'otlpProtocol' | 'postgresUrl' | 'redisUrl' | 'amqpUrl' | 'databases'>>) {
  const port = (service: ProcessName) => servicePort(options.basePort, service);
  const url = (service: ProcessName) => `http://127.0.0.1:${port(service)}`;
  const common: Record<string, string> = {
    PORT: String(port(name)),
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

async function waitReady(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`${url} exited before it was ready`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms`);
}

export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const mode = options.mode ?? 'services';
  const processes = MODE_PROCESSES[mode];
  const settings = {
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
  const managed = new Map<ProcessName, Managed>();
  let stopping = false;
  const extraEnv = (name: ProcessName): Record<string, string> => {
    if (name !== 'monolith') return { ...options.commonEnv, ...options.env?.[name] };
    const merged: Record<string, string> = { ...options.commonEnv };
    for (const source of [...MODULE_SERVICES, 'monolith'] as const) Object.assign(merged, options.env?.[source]);
    return merged;
  };

  const launch = (name: ProcessName): ChildProcess => {
    const state = managed.get(name) ?? { child: undefined, restarts: 0, lines: [] };
    managed.set(name, state);
    const child = spawn(process.execPath, ['--require', preload, path.join(root, 'sample-services', name, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', ...serviceEnv(name, settings), ...extraEnv(name) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        state.lines.push(line);
        options.onLine?.(name, line);
      });
    }
    child.once('exit', (code, signal) => {
      if (stopping) return;
      // self-healing: a crashed service comes back, as a restart policy would bring a container back
      state.restarts += 1;
      options.onLine?.(name, `[runner] ${name} exited (${signal ?? String(code)}); restarting`);
      const delay = Math.min(250 * 2 ** Math.min(state.restarts, 5), 5_000);
      setTimeout(() => {
        if (!stopping) state.child = launch(name);
      }, delay).unref();
    });
    state.child = child;
    return child;
  };

  // safety net: whatever ends this process, no service outlives it
  const killAll = () => {
    for (const { child } of managed.values()) if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);

  const address = (name: ProcessName) => `http://127.0.0.1:${String(servicePort(settings.basePort, name))}`;
  const urls: StackUrls = { ...Object.fromEntries(processes.map((name) => [name, address(name)])), gateway: address('gateway'), loadgen: address('loadgen') };
  const stop = async () => {
    stopping = true;
    // the traffic source and the entry point first, so no new work arrives; then everything else
    const groups: ProcessName[][] = mode === 'monolith' ? [['loadgen'], ['monolith']] : [['loadgen'], ['gateway'], SERVICES.filter((s) => s !== 'gateway' && s !== 'loadgen')];
    for (const group of groups) {
      await Promise.all(
        group.map(async (name) => {
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
    for (const group of groups) {
      await Promise.all(
        group.map((name) => {
          const child = launch(name);
          return waitReady(address(name), options.readyTimeoutMs ?? 30_000, () => child.exitCode === null);
        }),
      );
    }
  } catch (error) {
    await stop();
    const details = processes.map((name) => `--- ${name}\n${(managed.get(name)?.lines ?? []).slice(-10).join('\n')}`).join('\n');
    throw new Error(`the native stack did not start: ${error instanceof Error ? error.message : String(error)}\n${details}`, { cause: error });
  }

  return {
    mode,
    processes,
    urls,
    lines: (name) => managed.get(name)?.lines ?? [],
    restarts: (name) => managed.get(name)?.restarts ?? 0,
    pid: (name) => managed.get(name)?.child?.pid,
    stop,
  };
}
