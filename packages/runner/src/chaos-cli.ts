/**
 * `npm run chaos -- <verb> …`: the chaos API at the gateway, from a terminal.
 *
 *   npm run chaos -- list
 *   npm run chaos -- inject payments latency --ms 800 --jitter-ms 200 --ttl 2m
 *   npm run chaos -- cancel payments <id>|all
 *   npm run chaos -- types
 *
 * The gateway is $KIT_GATEWAY_URL (default http://localhost:8080); the token is $CHAOS_TOKEN, else
 * CHAOS_TOKEN from the .env file in the current folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface CliIo {
  readonly env: Record<string, string | undefined>;
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly fetch?: typeof fetch;
}

const SERVICES = ['gateway', 'catalog', 'orders', 'inventory', 'payments', 'notifications'];

/** Each fault type and its options, as the CLI takes them (the service validates and names bad ones). */
const TYPES: Record<string, string> = {
  latency: '--ms N [--jitter-ms N] [--probability 0-1] [--route /path]   added response time',
  error: '[--status 500] [--probability 0-1] [--route /path]             error responses',
  exception: '[--message text] [--probability 0-1] [--route /path]       thrown exceptions (500)',
  hang: '[--probability 0-1] [--route /path]                            accept, never answer',
  cpu: '--duty-cycle 0.05-1                                            burn CPU',
  memory: '--mb-per-second N [--cap-mb 256]                               leak memory',
  block: '--ms N [--every-ms 1000]                                       block the event loop',
  crash: '[--after-ms 1000] [--exit-code 1]                              exit, to watch the restart',
  dependency: '--target NAME [--mode fail|timeout] [--probability 0-1]      partition from a dependency',
  database: '--ms N [--probability 0-1]                                     slow database queries',
  stall: '                                                               stop consuming (notifications)',
};

const HELP = `usage: npm run chaos -- <verb> [arguments]

verbs:
  list                              every service's active faults
  inject <service> <type> [options] start a fault (all take --ttl, e.g. 90s, 2m; default 5m, at most 1h)
  cancel <service> <id|all>         end one fault, or all of a service's
  types                             the fault types and their options
  help                              this text

services: ${SERVICES.join(', ')}
environment: KIT_GATEWAY_URL (default http://localhost:8080), CHAOS_TOKEN (or CHAOS_TOKEN in ./.env)

example: npm run chaos -- inject payments latency --ms 800 --ttl 2m
`;

/** $CHAOS_TOKEN, else CHAOS_TOKEN in the .env file of the current folder. */
export function tokenFrom(io: Pick<CliIo, 'env' | 'cwd'>): string | undefined {
  const fromEnv = io.env.CHAOS_TOKEN;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const file = path.join(io.cwd, '.env');
  if (!existsSync(file)) return undefined;
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('CHAOS_TOKEN='));
  const value = line?.slice('CHAOS_TOKEN='.length).trim();
  return value === undefined || value === '' ? undefined : value;
}

/** "90s", "2m", "1h" or plain seconds → seconds. */
export function parseTtl(text: string): number {
  const match = /^(\d+)(s|m|h)?$/.exec(text);
  if (match?.[1] === undefined) throw new Error(`--ttl: "${text}" is not a duration like 90s, 2m or 1h`);
  return Number(match[1]) * { s: 1, m: 60, h: 3_600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
}

/** --kebab-case value pairs → the fault's camelCase fields; numbers stay numbers. */
export function parseFault(type: string, args: readonly string[]): Record<string, unknown> {
  const fault: Record<string, unknown> = { type };
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i] ?? '';
    const value = args[i + 1];
    if (!flag.startsWith('--') || value === undefined) throw new Error(`expected "--option value", got "${[flag, value ?? ''].join(' ').trim()}"`);
    const key = flag.slice(2).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (key === 'ttl') fault.ttlSeconds = parseTtl(value);
    else fault[key] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return fault;
}

interface FaultView {
  id: string;
  spec: Record<string, unknown> & { type: string };
  expiresAt: string;
}

function describeFault(service: string, fault: FaultView, now: number): string {
  const { type, ...rest } = fault.spec;
  const params = Object.fromEntries(Object.entries(rest).filter(([key]) => key !== 'ttlSeconds'));
  const left = Math.max(0, Math.round((Date.parse(fault.expiresAt) - now) / 1_000));
  const options = Object.entries(params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  return `${service.padEnd(14)}${fault.id.padEnd(38)}${type.padEnd(12)}${`${String(left)}s`.padEnd(8)}${options}`;
}

export async function runChaosCli(args: readonly string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') {
    io.out(HELP);
    return verb === undefined ? 2 : 0;
  }
  if (verb === 'types') {
    io.out(`${Object.entries(TYPES).map(([type, options]) => `  ${type.padEnd(12)}${options}`).join('\n')}\n  (every type also takes --ttl)\n`);
    return 0;
  }
  const gateway = (io.env.KIT_GATEWAY_URL ?? 'http://localhost:8080').replace(/\/$/, '');
  const token = tokenFrom(io);
  if (token === undefined) {
    io.err('chaos: no token. Set CHAOS_TOKEN (and CHAOS_ENABLED=true) in .env, restart the stack, then run this again.\n');
    return 2;
  }
  const send = io.fetch ?? fetch;
  const call = async (method: string, route: string, body?: unknown): Promise<{ status: number; data: Record<string, unknown> }> => {
    let res: Response;
    try {
      res = await send(`${gateway}${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new Error(`cannot reach the gateway at ${gateway} (${error instanceof Error ? error.message : String(error)}); is the stack running?`, { cause: error });
    }
    const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: res.status, data };
  };
  const failure = (status: number, data: Record<string, unknown>) => {
    const error = data.error as { message?: string } | undefined;
    io.err(`chaos: ${String(status)} ${error?.message ?? JSON.stringify(data)}\n`);
    if (status === 401) io.err('chaos: the token was refused: CHAOS_TOKEN must match the stack\'s\n');
    if (status === 404 && (error?.message ?? '').includes('not found')) io.err('chaos: is CHAOS_ENABLED=true in the stack?\n');
    return 1;
  };

  try {
    if (verb === 'list') {
      const { status, data } = await call('GET', '/api/chaos');
      if (status !== 200) return failure(status, data);
      const services = data.services as Record<string, { faults?: FaultView[]; error?: string }>;
      const lines = [`${'service'.padEnd(14)}${'id'.padEnd(38)}${'type'.padEnd(12)}${'left'.padEnd(8)}options`];
      const now = Date.now();
      for (const [service, state] of Object.entries(services)) {
        if (state.error !== undefined) lines.push(`${service.padEnd(14)}(unavailable: ${state.error})`);
        for (const fault of state.faults ?? []) lines.push(describeFault(service, fault, now));
      }
      io.out(`${lines.length === 1 ? 'no active faults' : lines.join('\n')}\n`);
      return 0;
    }
    if (verb === 'inject') {
      const [service, type, ...options] = rest;
      if (service === undefined || type === undefined) {
        io.err('chaos: inject needs <service> <type>; see "npm run chaos -- types"\n');
        return 2;
      }
      const { status, data } = await call('POST', `/api/chaos/${encodeURIComponent(service)}/faults`, parseFault(type, options));
      if (status !== 201) return failure(status, data);
      const fault = data as unknown as FaultView;
      io.out(`injected ${fault.spec.type} into ${service}: ${fault.id} (until ${fault.expiresAt})\n`);
      return 0;
    }
    if (verb === 'cancel') {
      const [service, id] = rest;
      if (service === undefined || id === undefined) {
        io.err('chaos: cancel needs <service> <id|all>\n');
        return 2;
      }
      const route = `/api/chaos/${encodeURIComponent(service)}/faults${id === 'all' ? '' : `/${encodeURIComponent(id)}`}`;
      const { status, data } = await call('DELETE', route);
      if (status !== 200) return failure(status, data);
      io.out(`cancelled ${String(data.cancelled)} fault(s) in ${service}\n`);
      return 0;
    }
  } catch (error) {
    io.err(`chaos: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  io.err(`chaos: unknown verb "${verb}"\n\n${HELP}`);
  return 2;
}

if (require.main === module) {
  void runChaosCli(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
  });
}
