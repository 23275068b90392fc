/**
 * Restarts under load on the native stack: steady catalog reads through the gateway (50 a second)
 * while one catalog process is sent SIGTERM, and later SIGKILL, and the runner brings it back.
 * With two catalog replicas no request may fail; with one, failures may only fall between the kill
 * and shortly after the replacement is ready. The Collector is missing on purpose (a refused OTLP
 * port), as in the outage this test was written for: shutdown must not wait on it.
 *
 * Prints the figures (failures per phase, when they ended relative to the replacement's readiness,
 * how long the killed process took to exit and to come back).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { restartDelayMs, startStack, type InstanceName, type RestartRecord, type RunningStack } from '../src/index';

describe('the restart policy', () => {
  it('restarts at once, and pauses (growing, capped) only for a process that keeps dying young', () => {
    expect(restartDelayMs(0)).toBe(0);
    expect(restartDelayMs(1)).toBe(0);
    expect(restartDelayMs(2)).toBe(250);
    expect(restartDelayMs(3)).toBe(500);
    expect(restartDelayMs(20)).toBe(5_000);
  });
});

const RATE_PER_SECOND = 50;
/** Slack on top of the 1 s target, for a machine whose CPU other work keeps busy. */
const BUSY_SLACK_MS = 1_000;

interface Outcome {
  readonly sentAt: number;
  readonly doneAt: number;
  readonly ok: boolean;
  readonly what: string;
}

/** Open-loop load: one GET every 1/rate s, whatever the answers take; every outcome kept. */
function steadyLoad(url: string) {
  const outcomes: Outcome[] = [];
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  const one = async () => {
    const sentAt = Date.now();
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      outcomes.push({ sentAt, doneAt: Date.now(), ok: res.status === 200, what: String(res.status) });
    } catch (error) {
      outcomes.push({ sentAt, doneAt: Date.now(), ok: false, what: error instanceof Error ? error.name : 'error' });
    }
  };
  const started = Date.now();
  const timer = setInterval(() => {
    // catch up after a stalled tick, so the rate holds on a busy machine
    const due = Math.floor(((Date.now() - started) / 1_000) * RATE_PER_SECOND);
    for (; sent < due; sent += 1) {
      const request = one();
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
  }, 1_000 / RATE_PER_SECOND);
  return {
    outcomes,
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}

/** A loopback port nothing listens on: the Collector that is not there. */
async function refusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Phase {
  readonly signal: 'SIGTERM' | 'SIGKILL';
  readonly killedAt: number;
  readonly restart: RestartRecord;
  readonly readyAt: number;
}

const sleepUntil = (what: string, ms: number) => waitFor(what, ms + 5_000, () => (Date.now() >= ms ? true : undefined));

describe.each([
  { replicas: 2, basePort: 24_080 },
  { replicas: 1, basePort: 24_180 },
])('catalog with $replicas replica(s), restarted under load', ({ replicas, basePort }) => {
  let stack: RunningStack | undefined;
  afterAll(async () => {
    await stack?.stop();
  });

  it(replicas === 2 ? 'fails no request when one replica is terminated, then killed' : 'fails requests only from the kill until shortly after the replacement is ready', async () => {
    const quiet = { LOG_LEVEL: 'warn' };
    stack = await startStack({
      basePort,
      replicas: { catalog: replicas },
      otlpEndpoint: `http://127.0.0.1:${String(await refusedPort())}`,
      commonEnv: { OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_BLRP_SCHEDULE_DELAY: '200' },
      env: {
        gateway: { ...quiet, RATE_LIMIT_PER_MINUTE: '100000' },
        catalog: quiet,
        loadgen: { LOADGEN_RATE: '0' },
      },
    });
    const running = stack;
    const victim: InstanceName = 'catalog';
    const load = steadyLoad(`${running.urls.gateway}/api/catalog/products/p-001`);
    const phases: Phase[] = [];
    try {
      await sleepUntil('warm-up', Date.now() + 1_500);
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        const restartsBefore = running.restartHistory(victim).length;
        const pid = running.pid(victim);
        if (pid === undefined) throw new Error('no catalog process to kill');
        const killedAt = Date.now();
        process.kill(pid, signal);
        const restart = await waitFor(`catalog was not restarted after ${signal}`, 30_000, () => running.restartHistory(victim)[restartsBefore]);
        const readyAt = await waitFor(`the replacement catalog was not ready after ${signal}`, 30_000, () => restart.readyAt);
        phases.push({ signal, killedAt, restart, readyAt });
        // steady traffic on the replacement for a while before the next phase
        await sleepUntil('settling', readyAt + 2_500);
      }
    } finally {
      await load.stop();
    }

    const figures = phases.map((phase, index) => {
      const end = phases[index + 1]?.killedAt ?? Infinity;
      // by when the answer came: a request in flight at the kill belongs to the phase it failed in
      const inPhase = load.outcomes.filter((o) => o.doneAt >= phase.killedAt && o.doneAt < end);
      const failed = inPhase.filter((o) => !o.ok);
      const lastFailureDone = failed.length === 0 ? undefined : Math.max(...failed.map((o) => o.doneAt));
      return {
        signal: phase.signal,
        requests: inPhase.length,
        failed: failed.length,
        kinds: [...new Set(failed.map((o) => o.what))].join(','),
        exitAfterSignalMs: phase.restart.exitedAt - phase.killedAt,
        relaunchAfterExitMs: phase.restart.launchedAt - phase.restart.exitedAt,
        readyAfterSignalMs: phase.readyAt - phase.killedAt,
        firstFailureAfterSignalMs: failed.length === 0 ? undefined : Math.min(...failed.map((o) => o.doneAt)) - phase.killedAt,
        lastFailureAfterReadyMs: lastFailureDone === undefined ? undefined : lastFailureDone - phase.readyAt,
      };
    });
    const before = load.outcomes.filter((o) => o.doneAt < (phases[0]?.killedAt ?? 0));
    process.stdout.write(`restart figures, ${String(replicas)} catalog replica(s), ${String(RATE_PER_SECOND)} req/s:\n${JSON.stringify({ warmup: { requests: before.length, failed: before.filter((o) => !o.ok).length }, phases: figures }, null, 1)}\n`);

    expect(phases.map((p) => p.signal)).toEqual(['SIGTERM', 'SIGKILL']);
    expect(before.filter((o) => !o.ok)).toEqual([]);
    for (const phase of figures) {
      // the load really ran through the phase
      expect(phase.requests, phase.signal).toBeGreaterThan(RATE_PER_SECOND);
      // the runner brings it back at once (a first short run is not a crash loop)
      expect(phase.relaunchAfterExitMs, phase.signal).toBeLessThan(restartDelayMs(2) + BUSY_SLACK_MS);
    }
    // SIGTERM: drained and gone promptly, with no wait on the missing Collector (it used to take 5 s)
    expect(figures[0]?.exitAfterSignalMs).toBeLessThan(1_000 + BUSY_SLACK_MS);
    if (replicas === 2) {
      expect(figures.map((f) => [f.signal, f.failed, f.kinds])).toEqual([
        ['SIGTERM', 0, ''],
        ['SIGKILL', 0, ''],
      ]);
    } else {
      // failures end within about a second of the replacement being ready
      for (const phase of figures) expect(phase.lastFailureAfterReadyMs ?? 0, phase.signal).toBeLessThan(1_000 + BUSY_SLACK_MS);
    }
  }, 120_000);
});
