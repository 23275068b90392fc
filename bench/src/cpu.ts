/**
 * CPU helpers for the overhead benchmark (used by `node bench/dist/overhead.js`, Linux only; elsewhere
 * they report "not available" instead of failing):
 *
 * - pinning: the driver (autocannon + OTLP sink) pins itself to one CPU and each app child, with all
 *   its threads, to another, via `taskset -a -p -c <cpu> <pid>`, so load generator and app do not
 *   compete for a core. `BENCH_PIN=0` turns it off.
 * - CPU time: a process's utime + stime (all threads, live and exited) from /proc/<pid>/stat, in
 *   clock ticks; `getconf CLK_TCK` (read once, default 100) converts ticks to seconds.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';

const TASKSET = '/usr/bin/taskset';
const DEFAULT_CLK_TCK = 100;

export type Pinning =
  | { readonly pinned: true; readonly driverCpu: number; readonly appCpu: number; readonly description: string }
  | { readonly pinned: false; readonly description: string };

/** Parses a kernel CPU list such as `0-3,6,8-9`; undefined when it does not look like one. */
export function parseCpuList(list: string): number[] | undefined {
  const cpus: number[] = [];
  for (const part of list.trim().split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (match?.[1] === undefined) return undefined;
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    for (let cpu = first; cpu <= last; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** The CPUs this process may run on, from /proc/self/status; undefined when unreadable. */
function allowedCpus(): number[] | undefined {
  try {
    const match = /^Cpus_allowed_list:\s*(\S+)\s*$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match?.[1] === undefined ? undefined : parseCpuList(match[1]);
  } catch {
    return undefined;
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const detail = typeof stderr === 'string' || Buffer.isBuffer(stderr) ? stderr.toString().trim() : '';
    return detail === '' ? error.message : detail;
  }
  return String(error);
}

/** Sets the CPU affinity of every thread of `pid`; throws with taskset's message on failure. */
export function pinProcess(pid: number, cpu: number): void {
  try {
    execFileSync(TASKSET, ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(`taskset -a -p -c ${cpu} ${pid} failed: ${errorText(error)}`, { cause: error });
  }
}

/**
 * Decides on pinning and pins the calling (driver) process: the lowest allowed CPU for the driver,
 * the next one for the apps — CPU 0 and CPU 1 on an unrestricted machine. Apps are pinned by the
 * caller as they start (children inherit the driver's CPU until then).
 */
export function setUpPinning(env: NodeJS.ProcessEnv = process.env): Pinning {
  const unpinned = (reason: string): Pinning => ({ pinned: false, description: `no pinning: ${reason}` });
  if (env.BENCH_PIN === '0') return unpinned('BENCH_PIN=0');
  if (os.platform() !== 'linux') return unpinned(`taskset pinning needs Linux, this is ${os.platform()}`);
  const available = os.availableParallelism();
  if (available < 2) return unpinned(`only ${available} CPU available`);
  if (!existsSync(TASKSET)) return unpinned(`${TASKSET} not found`);
  const allowed = allowedCpus() ?? Array.from({ length: available }, (_, cpu) => cpu);
  const [driverCpu, appCpu] = allowed;
  if (driverCpu === undefined || appCpu === undefined) return unpinned('fewer than 2 CPUs in this process\'s affinity list');
  try {
    pinProcess(process.pid, driverCpu);
  } catch (error) {
    return unpinned(errorText(error));
  }
  return {
    pinned: true,
    driverCpu,
    appCpu,
    description: `app on CPU ${appCpu}, load generator on CPU ${driverCpu}`,
  };
}

/** Clock ticks per second for /proc/<pid>/stat times: `getconf CLK_TCK`, or 100 when that fails. */
export function clockTicksPerSecond(): { readonly ticksPerSecond: number; readonly source: string } {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    if (Number.isInteger(value) && value > 0) return { ticksPerSecond: value, source: 'getconf CLK_TCK' };
  } catch {
    // fall through to the default
  }
  return { ticksPerSecond: DEFAULT_CLK_TCK, source: 'default (getconf CLK_TCK unavailable)' };
}

/**
 * utime + stime of a process in clock ticks, from /proc/<pid>/stat; undefined when unreadable.
 * The command name (field 2) may contain spaces and parentheses, so fields are counted from the
 * last ')': after it come field 3 (state) onwards, making utime and stime (fields 14, 15) the 12th
 * and 13th.
 */
export async function readCpuTicks(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/);
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
  } catch {
    return undefined;
  }
}
