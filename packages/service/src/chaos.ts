/**
 * Chaos: faults a service injects into itself on request, to watch resilience and alerts work.
 *
 * Every fault is validated (a 400 names the bad field), lives for a TTL (default 5 min, at most 1 h)
 * and reverts by itself; faults can be listed and cancelled, and nothing survives a restart. Starting
 * and ending a fault is logged, recorded as a span event and counted in `kit_chaos_faults_active`
 * (per fault type), which the dashboards show as annotations.
 *
 * Request faults (latency, error, exception, hang) act in `chaosMiddleware`; process faults (cpu,
 * memory, block, crash) run timers; the others are read where they act: `dependency` by
 * createDependency (a partition: outbound calls to one dependency fail or time out), `database` by
 * the stores (slow queries), `stall` by the notifications consumer (stops consuming).
 */
import { randomUUID } from 'node:crypto';
import { LABEL_FAULT, METRIC_CHAOS_FAULTS_ACTIVE, ValidationError, serviceGauge, type Logger } from '@kit/telemetry';
import { trace } from '@opentelemetry/api';
import { z } from 'zod';
import { chaosToken } from './config';

const probability = z.number().min(0).max(1).default(1).describe('share of requests or calls affected (0-1)');
const route = z.string().min(1).max(200).startsWith('/').optional().describe('only requests whose path starts with this');
const ttlSeconds = z.number().int().min(1).max(3_600).default(300).describe('seconds until the fault reverts by itself');

export const faultSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('latency'), ms: z.number().int().min(1).max(60_000), jitterMs: z.number().int().min(0).max(60_000).default(0), probability, route, ttlSeconds }),
  z.strictObject({ type: z.literal('error'), status: z.number().int().min(400).max(599).default(500), probability, route, ttlSeconds }),
  z.strictObject({ type: z.literal('exception'), message: z.string().min(1).max(200).default('chaos: injected exception'), probability, route, ttlSeconds }),
  z.strictObject({ type: z.literal('hang'), probability, route, ttlSeconds }),
  z.strictObject({ type: z.literal('cpu'), dutyCycle: z.number().min(0.05).max(1), ttlSeconds }),
  z.strictObject({ type: z.literal('memory'), mbPerSecond: z.number().int().min(1).max(100), capMb: z.number().int().min(1).max(1_024).default(256), ttlSeconds }),
  z.strictObject({ type: z.literal('block'), ms: z.number().int().min(1).max(10_000), everyMs: z.number().int().min(10).max(60_000).default(1_000), ttlSeconds }),
  z.strictObject({ type: z.literal('crash'), afterMs: z.number().int().min(0).max(600_000).default(1_000), exitCode: z.number().int().min(1).max(255).default(1), ttlSeconds }),
  z.strictObject({ type: z.literal('dependency'), target: z.string().min(1).max(100), mode: z.enum(['fail', 'timeout']).default('fail'), probability, ttlSeconds }),
  z.strictObject({ type: z.literal('database'), ms: z.number().int().min(1).max(60_000), probability, ttlSeconds }),
  z.strictObject({ type: z.literal('stall'), ttlSeconds }),
]);
export type FaultSpec = z.infer<typeof faultSchema>;
export type FaultType = FaultSpec['type'];
export const FAULT_TYPES = faultSchema.options.map((option) => option.shape.type.value);

export interface ActiveFault {
  readonly id: string;
  readonly spec: FaultSpec;
  readonly startedAt: string;
  readonly expiresAt: string;
}

/** What a request's faults do to it, decided once per request. */
export interface RequestEffect {
  readonly delayMs: number;
  readonly status?: number;
  readonly exception?: string;
  readonly hang: boolean;
}

export interface ChaosOptions {
  readonly service: string;
  readonly logger: Logger;
  readonly random?: () => number;
  readonly now?: () => number;
  /** Ends the process (the crash fault); tests pass a spy. */
  readonly exit?: (code: number) => void;
}

export interface Chaos {
  /** Validates and starts a fault; throws a ValidationError naming the bad field. */
  inject(input: unknown): ActiveFault;
  list(): ActiveFault[];
  cancel(id: string): boolean;
  cancelAll(): number;
  requestEffect(path: string): RequestEffect | undefined;
  /** A partition towards this dependency: its calls fail or hang until their timeout. */
  dependencyFault(target: string): 'fail' | 'timeout' | undefined;
  /** Extra milliseconds for the next database call (0 when none). */
  databaseDelayMs(): number;
  stalled(): boolean;
  /** Called with true when a stall starts and false when the last one ends. */
  onStall(listener: (stalled: boolean) => void): void;
  /** Cancels every fault and timer (shutdown). */
  close(): void;
}

interface Running {
  readonly fault: ActiveFault;
  readonly stop: () => void;
}

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // burning CPU on purpose
  }
}

export function createChaos(options: ChaosOptions): Chaos {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const { logger } = options;
  const running = new Map<string, Running>();
  const stallListeners: ((stalled: boolean) => void)[] = [];
  const gauge = serviceGauge(METRIC_CHAOS_FAULTS_ACTIVE, 'Chaos faults active in this service, by fault type.', [LABEL_FAULT]);
  for (const type of FAULT_TYPES) gauge.set({ [LABEL_FAULT]: type }, 0);
  const tracer = trace.getTracer('@kit/service');

  const ofType = <T extends FaultType>(type: T) =>
    [...running.values()].map((r) => r.fault.spec).filter((spec): spec is Extract<FaultSpec, { type: T }> => spec.type === type);
  const hits = (p: number) => p >= 1 || random() < p;

  const refreshGauge = () => {
    for (const type of FAULT_TYPES) gauge.set({ [LABEL_FAULT]: type }, ofType(type).length);
  };

  function startEffect(spec: FaultSpec): () => void {
    switch (spec.type) {
      case 'cpu': {
        const timer = setInterval(() => busyFor(100 * spec.dutyCycle), 100);
        timer.unref();
        return () => clearInterval(timer);
      }
      case 'memory': {
        const held: Buffer[] = [];
        const timer = setInterval(() => {
          if (held.length < spec.capMb) for (let i = 0; i < spec.mbPerSecond && held.length < spec.capMb; i += 1) held.push(Buffer.alloc(1 << 20, 1));
        }, 1_000);
        timer.unref();
        return () => {
          clearInterval(timer);
          held.length = 0;
        };
      }
      case 'block': {
        const timer = setInterval(() => busyFor(spec.ms), spec.everyMs);
        timer.unref();
        return () => clearInterval(timer);
      }
      case 'crash': {
        const timer = setTimeout(() => {
          logger.error('chaos: crashing on purpose', { fault: 'crash', exit_code: spec.exitCode });
          exit(spec.exitCode);
        }, spec.afterMs);
        timer.unref();
        return () => clearTimeout(timer);
      }
      case 'stall': {
        if (ofType('stall').length === 0) for (const listener of stallListeners) listener(true);
        return () => {
          if (ofType('stall').length === 0) for (const listener of stallListeners) listener(false);
        };
      }
      default:
        return () => undefined;
    }
  }

  function end(id: string, reason: 'expired' | 'cancelled'): boolean {
    const entry = running.get(id);
    if (entry === undefined) return false;
    running.delete(id);
    entry.stop();
    refreshGauge();
    const fields = { fault_id: id, fault: entry.fault.spec.type, reason };
    logger.info(`chaos fault ${entry.fault.spec.type} ended (${reason})`, fields);
    tracer.startActiveSpan('chaos fault ended', (span) => {
      span.addEvent('chaos.fault.ended', fields);
      span.end();
    });
    return true;
  }

  return {
    inject(input) {
      const parsed = faultSchema.safeParse(input);
      if (!parsed.success) {
        const fields = parsed.error.issues.map((issue) => ({
          field: issue.code === 'unrecognized_keys' ? issue.keys.join(',') : issue.path.join('.') || 'type',
          message: issue.message,
        }));
        throw new ValidationError(`invalid fault: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, { fields, types: FAULT_TYPES });
      }
      const spec = parsed.data;
      const id = randomUUID();
      const started = now();
      const fault: ActiveFault = { id, spec, startedAt: new Date(started).toISOString(), expiresAt: new Date(started + spec.ttlSeconds * 1_000).toISOString() };
      const stopEffect = startEffect(spec);
      const expiry = setTimeout(() => end(id, 'expired'), spec.ttlSeconds * 1_000);
      expiry.unref();
      running.set(id, {
        fault,
        stop: () => {
          clearTimeout(expiry);
          stopEffect();
        },
      });
      refreshGauge();
      const fields = { fault_id: id, fault: spec.type, ttl_s: spec.ttlSeconds, params: JSON.stringify(spec) };
      logger.warn(`chaos fault ${spec.type} started in ${options.service}`, fields);
      trace.getActiveSpan()?.addEvent('chaos.fault.started', fields);
      return fault;
    },
    list: () => [...running.values()].map((r) => r.fault),
    cancel: (id) => end(id, 'cancelled'),
    cancelAll() {
      const ids = [...running.keys()];
      for (const id of ids) end(id, 'cancelled');
      return ids.length;
    },
    requestEffect(path) {
      const applies = (spec: { route?: string | undefined; probability: number }) => (spec.route === undefined || path.startsWith(spec.route)) && hits(spec.probability);
      let delayMs = 0;
      for (const spec of ofType('latency')) if (applies(spec)) delayMs += spec.ms + Math.round(random() * spec.jitterMs);
      const hang = ofType('hang').some(applies);
      const error = ofType('error').find(applies);
      const exception = ofType('exception').find(applies);
      if (delayMs === 0 && !hang && error === undefined && exception === undefined) return undefined;
      return { delayMs, hang, ...(error === undefined ? {} : { status: error.status }), ...(exception === undefined ? {} : { exception: exception.message }) };
    },
    dependencyFault(target) {
      const fault = ofType('dependency').find((spec) => spec.target === target && hits(spec.probability));
      return fault?.mode;
    },
    databaseDelayMs: () => ofType('database').reduce((sum, spec) => sum + (hits(spec.probability) ? spec.ms : 0), 0),
    stalled: () => ofType('stall').length > 0,
    onStall(listener) {
      stallListeners.push(listener);
    },
    close() {
      for (const id of [...running.keys()]) end(id, 'cancelled');
    },
  };
}

// ---- the process's chaos, for the hooks that live below the app (dependencies, stores) ----
let processChaos: Chaos | undefined;

/** Makes this the chaos the dependency and store hooks consult (done by the service's main). */
export function setProcessChaos(chaos: Chaos | undefined): void {
  processChaos = chaos;
}

export function currentChaos(): Chaos | undefined {
  return processChaos;
}

/**
 * The chaos of a service's main: undefined unless CHAOS_ENABLED (then CHAOS_TOKEN is required), else
 * a fresh set of faults that also becomes the process's, for the dependency and store hooks.
 */
export function serviceChaos(service: string, config: { CHAOS_ENABLED: boolean; CHAOS_TOKEN?: string | undefined }, logger: Logger): { faults: Chaos; token: string } | undefined {
  const token = chaosToken(config);
  if (token === undefined) return undefined;
  const faults = createChaos({ service, logger });
  setProcessChaos(faults);
  logger.warn('chaos routes enabled', { routes: '/chaos/faults' });
  return { faults, token };
}

/**
 * Makes a database client's `query` (promise form) wait for the process's "database" fault first:
 * the slow-database fault. Returns the same client.
 */
export function withDatabaseChaos<C extends { query: (...args: never[]) => Promise<unknown> }>(client: C): C {
  const original = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const slowed = async (...args: unknown[]) => {
    const ms = processChaos?.databaseDelayMs() ?? 0;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
    return original(...args);
  };
  client.query = slowed;
  return client;
}

/** Waits out the process's "database" fault before a store call that has no `query` to wrap (Redis). */
export async function databaseDelay(): Promise<void> {
  const ms = processChaos?.databaseDelayMs() ?? 0;
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Every fault type with its parameters as JSON Schema (input side: defaults make a field optional),
 * so a client such as the storefront's chaos console builds its forms from the schema the API
 * validates with, instead of a copy that drifts.
 */
export function faultTypesJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(faultSchema, { io: 'input', unrepresentable: 'any' });
}
