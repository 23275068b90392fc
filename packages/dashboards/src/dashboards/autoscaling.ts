/** Autoscaling & self-healing: saturation signals, the replicas an HPA would ask for, restarts, readiness. */
import { promql, row, stateTimeline, timeSeries } from '../panels';
import { chaosAnnotation, datasourceVariables, kitDashboard, serviceVariable } from '../style';

export function autoscaling() {
  const board = kitDashboard('kit-autoscaling', 'Kit / Autoscaling & self-healing', 'The signals an autoscaler would act on (in-flight work, event-loop utilisation, CPU, memory, queued work), the replica count the HPA formula asks for against what runs, and the self-healing: restarts and readiness.');
  for (const variable of datasourceVariables()) board.withVariable(variable);
  board.withVariable(serviceVariable(true)).annotation(chaosAnnotation());

  board.withRow(row('Saturation'));
  board.withPanel(
    timeSeries({
      title: 'In-flight requests',
      description: 'Requests being handled right now, per service: work piling up here while the rate stays flat means the service is saturated. Empty: the services are not scraped.',
      width: 8,
      targets: [promql('sum by (service) (http_server_active_requests{service=~"$service"})', '{{service}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Event-loop utilisation by instance',
      description: 'Share of time each instance\'s event loop was busy: the Node.js saturation signal the replica formula below uses (target 70 %). Empty: the services are not scraped.',
      unit: 'percentunit',
      width: 8,
      min: 0,
      max: 1,
      targets: [promql('nodejs_eventloop_utilization_ratio{service=~"$service"}', '{{service}} {{instance}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'CPU by instance',
      description: 'CPU time per second per instance (1 = a full core). Empty: the services are not scraped.',
      unit: 'percentunit',
      width: 8,
      targets: [promql('rate(process_cpu_seconds_total{service=~"$service"}[$__rate_interval])', '{{service}} {{instance}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Memory vs limit',
      description: 'Resident memory as a share of what the process may use (container limit, else machine memory); MemoryNearLimit fires above 90 %. Empty: the services are not scraped.',
      unit: 'percentunit',
      width: 12,
      min: 0,
      targets: [promql('service:process_memory:ratio_limit{service=~"$service"}', '{{service}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Queued work',
      description: 'Work waiting to be done: messages in the notifications queue (not yet taken by a consumer), order events in the outbox, and retries scheduled per second. A queue that grows while consumers are busy is the signal to add consumers. Empty: orders and notifications are not scraped.',
      width: 12,
      targets: [
        promql('sum by (service) (kit_notifications_queue_messages{service=~"$service", queue="main"})', 'queue ({{service}})'),
        promql('sum by (service) (kit_orders_outbox_pending{service=~"$service"})', 'outbox ({{service}})'),
        promql('sum by (service) (rate(kit_notifications_messages_total{service=~"$service", result="retried"}[$__rate_interval])) or sum by (service) (0 * kit_notifications_messages_total{service=~"$service"})', 'retries/s ({{service}})'),
      ],
    }),
  );

  board.withPanel(
    timeSeries({
      title: 'Shed requests (overload)',
      description: 'Requests a service refused with 503 + Retry-After because too many were in flight or its event loop was saturated: it protects itself instead of slowing everyone down. Empty: no service was overloaded, the healthy state.',
      unit: 'reqps',
      width: 24,
      targets: [promql('sum by (service, reason) (rate(kit_http_shed_requests_total{service=~"$service"}[$__rate_interval]))', '{{service}} ({{reason}})')],
    }),
  );

  board.withRow(row('Replicas'));
  board.withPanel(
    timeSeries({
      title: 'Desired vs current replicas (HPA formula, 70 % event-loop target)',
      description: 'desired = ceil(current × average utilisation / 70 %), the Kubernetes HPA rule, next to the replicas that answer scrapes. Desired above current for a while: scale out (docker compose up --scale). Empty: the recording rules have not run yet (first minute).',
      width: 24,
      targets: [promql('service:replicas_desired:hpa_elu70{service=~"$service"}', 'desired {{service}}'), promql('service:replicas:count{service=~"$service"}', 'current {{service}}')],
    }),
  );

  board.withRow(row('Self-healing'));
  board.withPanel(
    stateTimeline({
      title: 'Up (scrape succeeded)',
      description: 'Whether each instance answered its last scrape: a gap is a crash or a hang, and the return shows the restart (compose restart policy, the native runner, Kubernetes). Empty: nothing is scraped.',
      width: 12,
      states: [[0, 'down', 'red'], [1, 'up', 'green']],
      targets: [promql('up{service=~"$service"}', '{{service}} {{instance}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Restarts (15 min)',
      description: 'Process starts per instance over the last 15 minutes; three or more trigger RestartLoop. 0 is the healthy state. Empty: nothing is scraped.',
      width: 6,
      targets: [promql('changes(process_start_time_seconds{service=~"$service"}[15m])', '{{service}} {{instance}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Readiness answers',
      description: 'Readiness probe answers: 200 ready, 503 not ready (draining at shutdown, or overloaded). Flips to 503 take an instance out of the load balancer without restarting it. Empty: nothing probes readiness (probes come from compose or Kubernetes).',
      width: 6,
      targets: [promql('sum by (service, status_code) (increase(http_server_request_duration_seconds_count{service=~"$service", route="/readyz"}[$__rate_interval]))', '{{service}} {{status_code}}')],
    }),
  );
  return board;
}
