/**
 * One engine process for the stack tests (the Collector, Prometheus, Alertmanager): spawned with its
 * output kept, awaited until a readiness URL answers 200, stopped with SIGTERM then SIGKILL. A
 * process that exits early or never turns ready fails loudly with its last output lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export interface EngineProcess {
  readonly name: string;
  readonly pid: number | undefined;
  readonly lines: readonly string[];
  /** When the readiness URL first answered 200 (ms since the epoch). */
  readonly readyAt: number;
  stop(): Promise<void>;
}

export interface EngineSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  readonly readyUrl: string;
  readonly readyTimeoutMs?: number;
}

const tail = (lines: readonly string[]) => lines.slice(-20).join('\n');

export async function startEngine(spec: EngineSpec): Promise<EngineProcess> {
  const lines: string[] = [];
  const child: ChildProcess = spawn(spec.command, spec.args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exit: string | undefined;
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  child.once('exit', (code, signal) => (exit = signal ?? String(code)));
  for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', (line) => lines.push(line));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (spec.readyTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`${spec.name}: cannot start ${spec.command} (${spawnError.message}); scripts/engines.sh installs it`);
    if (exit !== undefined) throw new Error(`${spec.name} exited (${exit}) before it was ready:\n${tail(lines)}`);
    try {
      const res = await fetch(spec.readyUrl, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) return { name: spec.name, pid: child.pid, lines, readyAt: Date.now(), stop };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`${spec.name} was not ready at ${spec.readyUrl} within ${spec.readyTimeoutMs ?? 30_000} ms:\n${tail(lines)}`);
}
