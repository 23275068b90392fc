/**
 * The native stack: every kit service as a Node process on loopback, started with the telemetry
 * preload and wired to the real PostgreSQL, Redis and RabbitMQ (scripts/engines.sh starts those).
 * It waits until each service is ready, restarts a process that dies (self-healing without an
 * orchestrator), keeps each service's output, and stops everything in order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export const SERVICES = ['catalog', 'inventory', 'payments', 'orders', 'notifications', 'gateway', 'loadgen'] as const;
export type ServiceName = (typeof SERVICES)[number];

const OFFSETS: Record<ServiceName, number> = { gateway: 0, catalog: 1, orders: 2, inventory: 3, payments: 4, notifications: 5, loadgen: 9 };

/** The loopback port a service of a stack started at `basePort` listens on. */
export function servicePort(basePort: number, service: ServiceName): number {
  return basePort + OFFSETS[service];
}

export interface StackOptions {
  /** Gateway port; the others follow it (catalog +1, orders +2, inventory +3, payments +4, notifications +5, loadgen +9). */
  readonly basePort?: number;
  readonly otlpEndpoint?: string;
  readonly otlpProtocol?: 'http/protobuf' | 'http/json' | 'grpc';
  readonly postgresUrl?: string;
  readonly redisUrl?: string;
  readonly amqpUrl?: string;
  /** PostgreSQL database per service (defaults kit_catalog and kit_orders); a second stack needs its own. */
  readonly databases?: { readonly catalog: string; readonly orders: string };
  /** Extra environment per service (feature toggles, faults, tighter timeouts in tests). */
  readonly env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Called with every output line (stdout and stderr) of every service. */
  readonly onLine?: (service: ServiceName, line: string) => void;
  readonly readyTimeoutMs?: number;
}

export interface RunningStack {
  readonly urls: Record<ServiceName, string>;
  /** Every line each service wrote so far. */
  lines(service: ServiceName): readonly string[];
  /** Restarts observed per service (crash recoveries). */
  restarts(service: ServiceName): number;
  /** The current process id of each running service. */
  pid(service: ServiceName): number | undefined;
  stop(): Promise<void>;
}

interface Managed {
  child: ChildProcess | undefined;
  restarts: number;
  lines: string[];
}

function serviceEnv(name: ServiceName, options: Required<Pick<StackOptions, 'basePort' | 'otlpEndpoint' | 'otlpProtocol' | 'postgresUrl' | 'redisUrl' | 'amqpUrl' | 'databases'>>) {
  const port = (service: ServiceName) => servicePort(options.basePort, service);
  const url = (service: ServiceName) => `http://127.0.0.1:${port(service)}`;
  const common: Record<string, string> = {
    PORT: String(port(name)),
    HOST: '127.0.0.1',
    OTEL_SERVICE_NAME: name,
    OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=kit,deployment.environment.name=native',
    OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: options.otlpProtocol,
  };
  const own: Record<ServiceName, Record<string, string>> = {
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
    notifications: { AMQP_URL: options.amqpUrl },
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
  const settings = {
    basePort: options.basePort ?? 8080,
    otlpEndpoint: options.otlpEndpoint ?? 'http://127.0.0.1:4318',
    otlpProtocol: options.otlpProtocol ?? 'http/protobuf',
    postgresUrl: options.postgresUrl ?? 'postgres://kit:kit@127.0.0.1:5432',
    redisUrl: options.redisUrl ?? 'redis://127.0.0.1:6379/0',
    amqpUrl: options.amqpUrl ?? 'amqp://guest:guest@127.0.0.1:5672',
    databases: options.databases ?? { catalog: 'kit_catalog', orders: 'kit_orders' },
  };
  const preload = require.resolve('@kit/telemetry/register');
  const root = path.resolve(__dirname, '..', '..', '..');
  const managed = new Map<ServiceName, Managed>();
  let stopping = false;

  const launch = (name: ServiceName): ChildProcess => {
    const state = managed.get(name) ?? { child: undefined, restarts: 0, lines: [] };
    managed.set(name, state);
    const child = spawn(process.execPath, ['--require', preload, path.join(root, 'sample-services', name, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', ...serviceEnv(name, settings), ...options.env?.[name] },
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

  const urls = Object.fromEntries(SERVICES.map((name) => [name, `http://127.0.0.1:${String(servicePort(settings.basePort, name))}`])) as Record<ServiceName, string>;
  const stop = async () => {
    stopping = true;
    // the traffic source and the entry point first, so no new work arrives; then everything else
    for (const group of [['loadgen'], ['gateway'], SERVICES.filter((s) => s !== 'gateway' && s !== 'loadgen')] as ServiceName[][]) {
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
    for (const group of [['catalog', 'inventory', 'payments', 'notifications'], ['orders'], ['gateway'], ['loadgen']] as ServiceName[][]) {
      await Promise.all(
        group.map((name) => {
          const child = launch(name);
          return waitReady(urls[name], options.readyTimeoutMs ?? 30_000, () => child.exitCode === null);
        }),
      );
    }
  } catch (error) {
    await stop();
    const details = SERVICES.map((name) => `--- ${name}\n${(managed.get(name)?.lines ?? []).slice(-10).join('\n')}`).join('\n');
    throw new Error(`the native stack did not start: ${error instanceof Error ? error.message : String(error)}\n${details}`, { cause: error });
  }

  return {
    urls,
    lines: (name) => managed.get(name)?.lines ?? [],
    restarts: (name) => managed.get(name)?.restarts ?? 0,
    pid: (name) => managed.get(name)?.child?.pid,
    stop,
  };
}
