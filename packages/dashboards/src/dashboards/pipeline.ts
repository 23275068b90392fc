/** Telemetry pipeline: what the Collector accepts, refuses and exports, and the services' exporters. */
import { promql, row, stateTimeline, timeSeries } from '../panels';
import { datasourceVariables, kitDashboard } from '../style';

const rate = (metric: string, by: string) => `sum by (${by}) (rate(${metric}[$__rate_interval]))`;

export function pipelineDashboard() {
  const board = kitDashboard('kit-pipeline', 'Kit / Telemetry pipeline', 'The path telemetry takes: the services\' exporters, the OpenTelemetry Collector (received, refused, exported, queued, memory) and the backends behind it.');
  for (const variable of datasourceVariables()) board.withVariable(variable);

  board.withRow(row('Collector: in and out'));
  board.withPanel(
    timeSeries({
      title: 'Spans received and refused',
      description: 'Spans the Collector accepted per receiver (otlp from the services, faro from browsers), and refused (the memory limiter pushing back). Empty: no span reached the Collector.',
      unit: 'short',
      width: 8,
      targets: [promql(rate('otelcol_receiver_accepted_spans', 'receiver'), 'accepted {{receiver}}'), promql(rate('otelcol_receiver_refused_spans', 'receiver'), 'refused {{receiver}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Log records received and refused',
      description: 'Log records the Collector accepted and refused, per receiver. Empty: no log record reached the Collector.',
      unit: 'short',
      width: 8,
      targets: [promql(rate('otelcol_receiver_accepted_log_records', 'receiver'), 'accepted {{receiver}}'), promql(rate('otelcol_receiver_refused_log_records', 'receiver'), 'refused {{receiver}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Sent and failed, per exporter',
      description: 'What each exporter delivered (Tempo: spans; Loki: log records) and what it failed to deliver after retries: lost data. Empty: nothing was exported yet.',
      unit: 'short',
      width: 8,
      targets: [
        promql(rate('otelcol_exporter_sent_spans', 'exporter'), 'spans sent {{exporter}}'),
        promql(rate('otelcol_exporter_sent_log_records', 'exporter'), 'logs sent {{exporter}}'),
        promql(rate('otelcol_exporter_send_failed_spans', 'exporter'), 'spans failed {{exporter}}'),
        promql(rate('otelcol_exporter_send_failed_log_records', 'exporter'), 'logs failed {{exporter}}'),
      ],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Exporter queues',
      description: 'Batches waiting in each exporter\'s sending queue against its capacity. A queue that fills means the backend is slow or down; when full, new data is dropped. Empty: the Collector is not scraped.',
      width: 12,
      targets: [promql('max by (exporter) (otelcol_exporter_queue_size)', 'size {{exporter}}'), promql('max by (exporter) (otelcol_exporter_queue_capacity)', 'capacity {{exporter}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Collector memory',
      description: 'The Collector\'s resident memory and Go heap; the memory limiter refuses data at 80 % of the container limit. Empty: the Collector is not scraped.',
      unit: 'bytes',
      width: 12,
      targets: [promql('max(otelcol_process_memory_rss)', 'resident'), promql('max(otelcol_process_runtime_heap_alloc_bytes)', 'Go heap')],
    }),
  );

  board.withRow(row('Services\' exporters and the backends'));
  board.withPanel(
    timeSeries({
      title: 'Services: exported and failed, per signal',
      description: 'Spans and log records each service handed to the Collector, and those it could not deliver (Collector down or refusing). Empty: the services are not scraped.',
      unit: 'short',
      width: 12,
      targets: [
        promql(rate('kit_telemetry_exported_items_total', 'service, signal'), 'exported {{service}} {{signal}}'),
        promql(rate('kit_telemetry_export_failures_total', 'service, signal'), 'failed {{service}} {{signal}}'),
      ],
    }),
  );
  board.withPanel(
    stateTimeline({
      title: 'Backends up',
      description: 'Whether Prometheus could scrape each part of the pipeline: the Collector (own and exported metrics), Prometheus, Alertmanager, Loki, Tempo, Grafana. Empty: Prometheus scrapes nothing.',
      width: 12,
      states: [[0, 'down', 'red'], [1, 'up', 'green']],
      targets: [promql('up{job!~"kit-services"}', '{{job}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Prometheus: samples ingested',
      description: 'Samples Prometheus appends per second, from scrapes and remote writes (Tempo\'s span metrics). Empty: Prometheus does not scrape itself.',
      unit: 'short',
      width: 12,
      targets: [promql('rate(prometheus_tsdb_head_samples_appended_total[$__rate_interval])', 'samples/s')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Prometheus: scrape duration by job',
      description: 'How long scrapes take per job; scrapes near the 5 s timeout fail. Empty: nothing is scraped.',
      unit: 's',
      width: 12,
      targets: [promql('max by (job) (scrape_duration_seconds)', '{{job}}')],
    }),
  );
  return board;
}
