/** Service detail: one service's routes, latency with exemplars, outbound calls, logs, error traces, runtime. */
import { latencyHeatmap, logsPanel, promql, row, timeSeries, traceTable } from '../panels';
import { API, chaosAnnotation, datasourceVariables, kitDashboard, serviceVariable } from '../style';

const inbound = (extra = '') => `http_server_request_duration_seconds_count{service="$service", ${API}${extra}}`;

export function serviceDetail() {
  const board = kitDashboard('kit-service', 'Kit / Service detail', 'One service in depth: its routes, latency with exemplars that open traces, the calls it makes, its logs and error traces, and its Node.js runtime.');
  for (const variable of datasourceVariables()) board.withVariable(variable);
  board.withVariable(serviceVariable(false)).annotation(chaosAnnotation());

  board.withRow(row('Requests by route'));
  board.withPanel(
    timeSeries({
      title: 'Requests per second by route',
      description: 'Requests per route template (never raw paths, so ids do not explode the series). "<mount>/*" marks what a proxy forwarded. Empty: the service got no traffic.',
      unit: 'reqps',
      width: 8,
      targets: [promql(`sum by (method, route) (rate(${inbound()}[$__rate_interval]))`, '{{method}} {{route}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Error responses by route (4xx, 5xx)',
      description: '4xx are refused requests (bad input, unknown ids, declined cards, rate limits); 5xx are the service\'s or its dependencies\' failures. Empty: every response was a success.',
      unit: 'reqps',
      width: 8,
      stack: true,
      targets: [promql(`sum by (route, status_code) (rate(${inbound(', status_code=~"[45].."')}[$__rate_interval]))`, '{{status_code}} {{route}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Duration p95 by route',
      description: '95th percentile response time per route. Empty: no traffic.',
      unit: 's',
      width: 8,
      targets: [promql(`histogram_quantile(0.95, sum by (route, le) (rate(http_server_request_duration_seconds_bucket{service="$service", ${API}}[$__rate_interval])))`, '{{route}}')],
    }),
  );
  board.withPanel(
    latencyHeatmap({
      title: 'Latency distribution (click an exemplar to open its trace)',
      description: 'How many responses fell in each duration bucket over time; the dots are exemplars, sampled requests carrying their trace id, which open the trace in Tempo. Empty: no traffic.',
      width: 24,
      expr: `sum by (le) (rate(http_server_request_duration_seconds_bucket{service="$service", ${API}}[$__rate_interval]))`,
    }),
  );

  board.withRow(row('Calls this service makes'));
  board.withPanel(
    timeSeries({
      title: 'Outbound requests by dependency and status',
      description: 'HTTP calls to other services (through retries, circuit breakers and timeouts), by target and status. Empty: this service calls no other service (payments, notifications).',
      unit: 'reqps',
      targets: [promql(`sum by (server_address, status_code) (rate(http_client_request_duration_seconds_count{service="$service"}[$__rate_interval]))`, '{{server_address}} {{status_code}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Outbound duration p95 by dependency',
      description: 'How long calls to each dependency take, as this service measures them. A slow dependency shows here before it shows in this service\'s own latency. Empty: no outbound calls.',
      unit: 's',
      targets: [promql(`histogram_quantile(0.95, sum by (server_address, le) (rate(http_client_request_duration_seconds_bucket{service="$service"}[$__rate_interval])))`, '{{server_address}}')],
    }),
  );

  board.withRow(row('Logs and traces'));
  board.withPanel(
    logsPanel({
      title: 'Logs',
      description: 'The service\'s log lines from Loki, newest first; each line\'s trace_id (structured metadata) links to its trace. Empty: no logs reached Loki; check the Telemetry pipeline dashboard.',
      expr: '{service_name="$service"}',
    }),
  );
  board.withPanel(
    traceTable({
      title: 'Recent error traces',
      description: 'Traces in which this service recorded a span with error status (TraceQL), newest first; click one to open it. Empty: no errors in the time range.',
      traceql: '{ resource.service.name = "$service" && status = error }',
    }),
  );

  board.withRow(row('Runtime'));
  board.withPanel(
    timeSeries({
      title: 'Event-loop utilisation',
      description: 'Share of time each instance\'s event loop was busy. Near 100 % new work queues up: the saturation signal to scale on. Empty: the service is not scraped.',
      unit: 'percentunit',
      width: 8,
      min: 0,
      max: 1,
      targets: [promql('nodejs_eventloop_utilization_ratio{service="$service"}', '{{instance}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Event-loop lag p99',
      description: 'How late timers fire: the delay any request may wait before its code runs. Empty: the service is not scraped.',
      unit: 's',
      width: 8,
      targets: [promql('nodejs_eventloop_lag_p99_seconds{service="$service"}', '{{instance}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'CPU',
      description: 'CPU time used per second (1 = one full core). Empty: the service is not scraped.',
      unit: 'percentunit',
      width: 8,
      targets: [promql('rate(process_cpu_seconds_total{service="$service"}[$__rate_interval])', '{{instance}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Heap used and total',
      description: 'V8 heap in use and reserved. A heap that only grows under steady load is a leak. Empty: the service is not scraped.',
      unit: 'bytes',
      width: 8,
      targets: [promql('nodejs_heap_size_used_bytes{service="$service"}', 'used {{instance}}'), promql('nodejs_heap_size_total_bytes{service="$service"}', 'total {{instance}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Garbage collection time',
      description: 'Share of time spent in GC, by kind (minor = young generation, major = full). Empty: the service is not scraped.',
      unit: 'percentunit',
      width: 8,
      stack: true,
      targets: [promql('sum by (instance, kind) (rate(nodejs_gc_duration_seconds_sum{service="$service"}[$__rate_interval]))', '{{kind}} {{instance}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Resident memory vs limit',
      description: 'Memory the process holds, against the memory it may use (its container limit, or the machine\'s). The MemoryNearLimit alert fires above 90 %. Empty: the service is not scraped.',
      unit: 'bytes',
      width: 8,
      targets: [promql('process_resident_memory_bytes{service="$service"}', 'resident {{instance}}'), promql('kit_process_memory_limit_bytes{service="$service"}', 'limit {{instance}}')],
    }),
  );
  return board;
}
