/**
 * Child-process handling for the overhead benchmark (used by `node bench/dist/overhead.js`): starts
 * the bench app (`bench/dist/app.js`) with a given preload and environment, learns its port from the
 * `{"port":N}` line on stdout and then keeps draining stdout, captures stderr for failure reports,
 * samples RSS from /proc, and stops the app — or, on the way out, kills every app still running.
 * With `cpu` set, the child (all its threads) is pinned to that CPU right after it is spawned.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pinProcess } from './cpu';

/** How much of a child's stderr is kept for reports. */
const STDERR_LIMIT = 64 * 1024;
/** How much stdout may pile up before the port line before giving up on it. */
const STDOUT_SCAN_LIMIT = 64 * 1024;
const STOP_GRACE_MS = 5_000;

export interface AppLaunch {
  /** Shown in errors. */
  readonly label: string;
  /** Node options placed before the script, e.g. `['--require', 'some/preload']`. */
  readonly nodeArgs: readonly string[];
  readonly script: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly startTimeoutMs: number;
  /** Pin the child, all threads, to this CPU right after spawning it (`taskset -a -p -c`). */
  readonly cpu?: number;
}

export interface RunningApp {
  readonly pid: number;
  readonly port: number;
  /** Everything the child wrote to stderr so far (capped). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves with the exit code (null when killed). */
  stop(): Promise<number | null>;
}

/** The benchmark itself broke around a child (it did not start, or the load run failed against it). */
export class BenchFailure extends Error {
  constructor(
    message: string,
    /** The child's stderr at the time, for the failure report. */
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'BenchFailure';
  }
}

const liveChildren = new Set<ChildProcess>();

/** Kills every child still running; synchronous so it can run from a process 'exit' handler. */
export function killAllApps(): void {
  for (const child of liveChildren) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  liveChildren.clear();
}

function captureStderr(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (text.length < STDERR_LIMIT) text += chunk.slice(0, STDERR_LIMIT - text.length);
  });
  return () => text;
}

function parsePortLine(line: string): number | undefined {
  if (!line.startsWith('{"port"')) return undefined;
  try {
    const parsed = JSON.parse(line) as { port?: unknown };
    return typeof parsed.port === 'number' ? parsed.port : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves with the port from the first `{"port":N}` line, then leaves stdout flowing into nowhere. */
function waitForPort(child: ChildProcess, launch: AppLaunch, stderr: () => string): Promise<number> {
  const { stdout } = child;
  if (stdout === null) return Promise.reject(new BenchFailure(`${launch.label}: no stdout pipe`, ''));
  return scanForPort(child, stdout, launch, stderr);
}

function scanForPort(child: ChildProcess, stdout: Readable, launch: AppLaunch, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let pending = '';
    const fail = (reason: string) => {
      cleanup();
      child.kill('SIGKILL');
      reject(new BenchFailure(`${launch.label}: ${reason}`, stderr()));
    };
    const onData = (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const port = parsePortLine(line.trim());
        if (port === undefined) continue;
        cleanup();
        stdout.resume();
        resolve(port);
        return;
      }
      if (pending.length > STDOUT_SCAN_LIMIT) fail('no {"port":N} line in the first 64 KiB of stdout');
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited before listening (code ${code ?? 'none'}, signal ${signal ?? 'none'})`);
    const onError = (error: Error) => fail(`could not be spawned: ${error.message}`);
    const timer = setTimeout(() => fail(`no port line within ${launch.startTimeoutMs} ms`), launch.startTimeoutMs);
    function cleanup() {
      clearTimeout(timer);
      stdout.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    stdout.setEncoding('utf8');
    stdout.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    if (!(await waitForExit(child, STOP_GRACE_MS))) {
      child.kill('SIGKILL');
      await waitForExit(child, STOP_GRACE_MS);
    }
  }
  liveChildren.delete(child);
  return child.exitCode;
}

export async function startApp(launch: AppLaunch): Promise<RunningApp> {
  const child = spawn(process.execPath, [...launch.nodeArgs, launch.script], {
    cwd: launch.cwd,
    env: launch.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  const stderr = captureStderr(child);
  try {
    if (launch.cpu !== undefined && child.pid !== undefined) {
      try {
        pinProcess(child.pid, launch.cpu);
      } catch (error) {
        throw new BenchFailure(`${launch.label}: ${error instanceof Error ? error.message : String(error)}`, stderr());
      }
    }
    const port = await waitForPort(child, launch, stderr);
    if (child.pid === undefined) throw new BenchFailure(`${launch.label}: no pid`, stderr());
    const pid = child.pid;
    return { pid, port, stderr, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** Resident set size of a process in bytes, from /proc/<pid>/status (Linux); undefined elsewhere. */
export async function readRssBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

export interface RssSampler {
  /** Stops sampling; resolves with the highest RSS seen in bytes (undefined when none could be read). */
  stop(): Promise<number | undefined>;
}

/** Samples a process's RSS every `intervalMs` and keeps the maximum; a tick is skipped while a read is pending. */
export function sampleRss(pid: number, intervalMs: number): RssSampler {
  let peak: number | undefined;
  let pending: Promise<void> | undefined;
  const sample = () => {
    pending ??= readRssBytes(pid).then((rss) => {
      if (rss !== undefined && (peak === undefined || rss > peak)) peak = rss;
      pending = undefined;
    });
    return pending;
  };
  void sample();
  const timer = setInterval(() => void sample(), intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await pending;
      await sample();
      return peak;
    },
  };
}
