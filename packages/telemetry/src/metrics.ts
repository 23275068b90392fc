/**
 * The kit's prom-client metrics: one registry per process, the HTTP RED histograms (with trace
 * exemplars), runtime metrics, and a renderer that serves Prometheus text or OpenMetrics depending on
 * what the scraper asks for.
 */
import { performance } from 'node:perf_hooks';
import { totalmem } from 'node:os';
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type Metric,
} from 'prom-client';
import {
  EXEMPLAR_SPAN_ID,
  EXEMPLAR_TRACE_ID,
  HTTP_DURATION_BUCKETS,
  LABEL_LEVEL,
  LABEL_METHOD,
  LABEL_ROUTE,
  LABEL_SERVER_ADDRESS,
  LABEL_SIGNAL,
  LABEL_STATUS_CODE,
  METRIC_EVENT_LOOP_UTILIZATION,
  METRIC_PROCESS_MEMORY_LIMIT,
  METRIC_HTTP_CLIENT_DURATION,
  METRIC_HTTP_SERVER_ACTIVE,
  METRIC_HTTP_SERVER_DURATION,
  METRIC_LOG_RECORDS,
  METRIC_TELEMETRY_EXPORTED,
  METRIC_TELEMETRY_EXPORT_FAILURES,
} from './conventions';

type ServerLabels = typeof LABEL_METHOD | typeof LABEL_ROUTE | typeof LABEL_STATUS_CODE;
type ClientLabels = typeof LABEL_METHOD | typeof LABEL_SERVER_ADDRESS | typeof LABEL_STATUS_CODE;

export interface KitMetrics {
  /** Every metric of this process; services register their own metrics here too. */
  readonly registry: Registry;
  readonly httpServerDuration: Histogram<ServerLabels>;
  /** Inbound requests being handled; a plain number read by the gauge on scrape. */
  readonly inFlight: { count: number };
  readonly httpClientDuration: Histogram<ClientLabels>;
  readonly exportedItems: Counter<typeof LABEL_SIGNAL>;
  readonly exportFailures: Counter<typeof LABEL_SIGNAL>;
  /** Counts one log record; totals are copied into `kit_log_records_total` on scrape. */
  countLogRecord(level: string): void;
  /** Renders every metric; OpenMetrics (with exemplars) when `openMetrics` is true. */
  render(openMetrics: boolean): Promise<string>;
}

/** Exemplar labels; prom-client types them, wrongly, as the metric's own label set. */
export type ExemplarLabels = Record<typeof EXEMPLAR_TRACE_ID | typeof EXEMPLAR_SPAN_ID, string>;

/** Observes a histogram value, with the trace exemplar when there is one. */
export function observeWithExemplar<T extends string>(
  histogram: Histogram<T>,
  labels: Partial<Record<T, string | number>>,
  value: number,
  exemplar: ExemplarLabels | undefined,
): void {
  if (exemplar === undefined) histogram.observe({ labels, value });
  else histogram.observe({ labels, value, exemplarLabels: exemplar as unknown as Partial<Record<T, string>> });
}

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;
export const OPENMETRICS_CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;

/** prom-client renders one metric with this (untyped) registry method. */
interface MetricRenderer {
  getMetricsAsString(metric: Metric): Promise<string>;
}
interface NamedMetric {
  name: string;
  type?: string;
}

/**
 * Builds a fresh set of kit metrics on a new registry. Processes use the shared instance from
 * `getMetrics()`; tests build their own.
 */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): KitMetrics {
  const registry = new Registry();
  // prom-client only accepts exemplars on metrics that live in no Prometheus-text registry, so the
  // two histograms that carry trace exemplars are kept apart and rendered alongside the registry.
  const exemplarMetrics: Metric[] = [];

  const httpServerDuration = new Histogram<ServerLabels>({
    name: METRIC_HTTP_SERVER_DURATION,
    help: 'Duration of inbound HTTP requests, by method, Express route template and status code.',
    labelNames: [LABEL_METHOD, LABEL_ROUTE, LABEL_STATUS_CODE],
    buckets: [...HTTP_DURATION_BUCKETS],
    enableExemplars: true,
    registers: [],
  });
  const httpClientDuration = new Histogram<ClientLabels>({
    name: METRIC_HTTP_CLIENT_DURATION,
    help: 'Duration of outbound HTTP requests, by method, peer host and status code.',
    labelNames: [LABEL_METHOD, LABEL_SERVER_ADDRESS, LABEL_STATUS_CODE],
    buckets: [...HTTP_DURATION_BUCKETS],
    enableExemplars: true,
    registers: [],
  });
  exemplarMetrics.push(httpServerDuration, httpClientDuration);

  // Hot-path counts live in plain numbers; the metrics read them only when scraped.
  const inFlight = { count: 0 };
  new Gauge({
    name: METRIC_HTTP_SERVER_ACTIVE,
    help: 'Inbound HTTP requests being handled right now.',
    registers: [registry],
    collect() {
      this.set(inFlight.count);
    },
  });
  const exportedItems = new Counter<typeof LABEL_SIGNAL>({
    name: METRIC_TELEMETRY_EXPORTED,
    help: 'Spans and log records handed to the OTLP exporter and accepted by the receiver.',
    labelNames: [LABEL_SIGNAL],
    registers: [registry],
  });
  const exportFailures = new Counter<typeof LABEL_SIGNAL>({
    name: METRIC_TELEMETRY_EXPORT_FAILURES,
    help: 'Spans and log records the OTLP exporter failed to deliver (collector down, timeout, refusal).',
    labelNames: [LABEL_SIGNAL],
    registers: [registry],
  });
  const logCounts = new Map<string, number>();
  new Counter<typeof LABEL_LEVEL>({
    name: METRIC_LOG_RECORDS,
    help: 'Log records written, by level.',
    labelNames: [LABEL_LEVEL],
    registers: [registry],
    collect() {
      this.reset();
      for (const [level, count] of logCounts) this.inc({ level }, count);
    },
  });

  if (options.defaultMetrics ?? true) {
    // heap, GC, event-loop lag, CPU, file descriptors: collected on scrape, not on the request path
    collectDefaultMetrics({ register: registry });
    let last = performance.eventLoopUtilization();
    new Gauge({
      name: METRIC_EVENT_LOOP_UTILIZATION,
      help: 'Share of time the event loop was busy since the previous scrape (0-1).',
      registers: [registry],
      collect() {
        const now = performance.eventLoopUtilization();
        this.set(performance.eventLoopUtilization(now, last).utilization);
        last = now;
      },
    });
    new Gauge({
      name: METRIC_PROCESS_MEMORY_LIMIT,
      help: 'Memory this process may use: its container limit (cgroup), or the machine memory when unlimited.',
      registers: [registry],
      collect() {
        const limit = process.constrainedMemory();
        this.set(limit > 0 && limit < totalmem() ? limit : totalmem());
      },
    });
  }

  // prom-client's typings omit the constructor argument and the per-metric renderer
  const RegistryWithType = Registry as unknown as new (contentType: string) => MetricRenderer;
  const textView = new RegistryWithType(Registry.PROMETHEUS_CONTENT_TYPE);
  const openMetricsView = new RegistryWithType(Registry.OPENMETRICS_CONTENT_TYPE);
  let queue: Promise<unknown> = Promise.resolve();

  async function renderNow(openMetrics: boolean): Promise<string> {
    const view = openMetrics ? openMetricsView : textView;
    const parts: string[] = [];
    for (const metric of [...(registry.getMetricsAsArray() as unknown as Metric[]), ...exemplarMetrics]) {
      const named = metric as unknown as NamedMetric;
      const original = named.name;
      // OpenMetrics names a counter family without `_total` and adds it to the sample.
      if (openMetrics && named.type === 'counter') named.name = original.replace(/_total$/, '');
      try {
        parts.push(await view.getMetricsAsString(metric));
      } finally {
        named.name = original;
      }
    }
    return openMetrics ? `${parts.join('\n')}\n# EOF\n` : `${parts.join('\n\n')}\n`;
  }

  return {
    registry,
    httpServerDuration,
    inFlight,
    httpClientDuration,
    exportedItems,
    exportFailures,
    countLogRecord(level) {
      logCounts.set(level, (logCounts.get(level) ?? 0) + 1);
    },
    render(openMetrics) {
      // renders are serialised: the OpenMetrics pass renames counters while it runs
      const next = queue.then(() => renderNow(openMetrics));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

/**
 * The metric registered under `name` on the process registry, created by `make` the first time.
 * Asking twice for the same name returns the same metric; asking for it as another type throws.
 */
function registered<M>(name: string, type: abstract new (...args: never[]) => M, make: (registry: Registry) => M): M {
  const { registry } = getMetrics();
  const existing: unknown = registry.getSingleMetric(name);
  if (existing instanceof type) return existing;
  if (existing !== undefined) throw new Error(`metric ${name} is already registered as another type`);
  return make(registry);
}

/** A counter on the process registry, for a service's own business metrics (names in conventions.ts). */
export function serviceCounter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return registered(name, Counter<L>, (registry) => new Counter<L>({ name, help, labelNames: [...labelNames], registers: [registry] }));
}

/** A gauge on the process registry, for a service's own state (circuit state, queue depth …). */
export function serviceGauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
  return registered(name, Gauge<L>, (registry) => new Gauge<L>({ name, help, labelNames: [...labelNames], registers: [registry] }));
}

/** A histogram on the process registry, in seconds with the HTTP semantic-convention buckets. */
export function serviceHistogram<L extends string>(name: string, help: string, labelNames: readonly L[]): Histogram<L> {
  return registered(
    name,
    Histogram<L>,
    (registry) => new Histogram<L>({ name, help, labelNames: [...labelNames], buckets: [...HTTP_DURATION_BUCKETS], registers: [registry] }),
  );
}

const GLOBAL_KEY = Symbol.for('kit.telemetry.metrics');

/** The process-wide metrics, shared by the preload and the service's code. */
export function getMetrics(): KitMetrics {
  const g = globalThis as { [GLOBAL_KEY]?: KitMetrics };
  const existing = g[GLOBAL_KEY];
  if (existing !== undefined) return existing;
  const created = createMetrics();
  g[GLOBAL_KEY] = created;
  return created;
}

/** True when an Accept header prefers OpenMetrics (Prometheus sends it first when scraping). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('application/openmetrics-text');
}

export { EXEMPLAR_SPAN_ID, EXEMPLAR_TRACE_ID };
