/** Resilience: circuit breakers, retries and their budget, timeouts, deadline expiries, rejections, fallbacks, the outbox and dead letters. */
import { METRIC_DEPENDENCY_DEADLINE_EXCEEDED, METRIC_DEPENDENCY_RETRY_BUDGET_EXHAUSTED } from '@kit/telemetry/conventions';
import { promql, row, stateTimeline, statPanel, timeSeries } from '../panels';
import { chaosAnnotation, datasourceVariables, kitDashboard, serviceVariable } from '../style';

const perDependency = (metric: string, by = 'service, dependency') => `sum by (${by}) (rate(${metric}{service=~"$service"}[$__rate_interval]))`;

export function resilience() {
  const board = kitDashboard('kit-resilience', 'Kit / Resilience', 'How the services protect themselves when a dependency fails: circuit breakers, retries, timeouts, rejected calls and fallbacks; and how messages survive a broker outage: the outbox and dead letters. Chaos faults show as annotations.');
  for (const variable of datasourceVariables()) board.withVariable(variable);
  board.withVariable(serviceVariable(true)).annotation(chaosAnnotation());

  board.withRow(row('Calls to dependencies'));
  board.withPanel(
    stateTimeline({
      title: 'Circuit states',
      description: 'Each caller\'s circuit breaker per dependency: closed (calls flow), half-open (one trial call), open (calls fail fast), isolated (held open by hand). Opens after 5 consecutive failures. Empty: the services are not scraped.',
      width: 24,
      states: [[0, 'closed', 'green'], [1, 'half-open', 'yellow'], [2, 'open', 'red'], [3, 'isolated', 'purple']],
      targets: [promql('max by (service, dependency) (kit_dependency_circuit_state{service=~"$service"})', '{{service}} → {{dependency}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Retries',
      description: 'Calls tried again after a failure (idempotent calls only, with exponential backoff). Empty: no call needed a retry, the healthy state.',
      unit: 'ops',
      width: 8,
      targets: [promql(perDependency('kit_dependency_retries_total'), '{{service}} → {{dependency}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Timeouts',
      description: 'Call attempts aborted because the dependency did not answer within its timeout. Empty: no call timed out, the healthy state.',
      unit: 'ops',
      width: 8,
      targets: [promql(perDependency('kit_dependency_timeouts_total'), '{{service}} → {{dependency}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Rejected calls (open circuit, full bulkhead)',
      description: 'Calls refused without reaching the dependency: its circuit is open, or too many calls are already in flight (bulkhead). Empty: nothing was refused, the healthy state.',
      unit: 'ops',
      width: 8,
      stack: true,
      targets: [promql(perDependency('kit_dependency_rejections_total', 'service, dependency, reason'), '{{service}} → {{dependency}} ({{reason}})')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Deadline expiries per hop',
      description: 'Calls not made, or cut short, because the request had no time left (the gateway sets each request a deadline; every hop passes on what is left in x-kit-deadline-ms). Not counted against the dependency. Zero: every call had time, the healthy state. Empty: the services are not scraped.',
      unit: 'ops',
      width: 12,
      targets: [promql(perDependency(METRIC_DEPENDENCY_DEADLINE_EXCEEDED), '{{service}} → {{dependency}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Retries refused by the retry budget',
      description: 'Retries not made because the dependency\'s retry budget was spent: retries may be at most 20 % of the calls over 10 s (at least 3 per 10 s), so an outage adds at most that much load. Zero: retries stayed within budget, the healthy state. Empty: the services are not scraped.',
      unit: 'ops',
      width: 12,
      targets: [promql(perDependency(METRIC_DEPENDENCY_RETRY_BUDGET_EXHAUSTED), '{{service}} → {{dependency}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Fallbacks',
      description: 'Answers served by a degraded fallback instead of failing (catalog recommendations fall back to best sellers when they are slow or switched off). Empty: every answer was the full one.',
      unit: 'ops',
      width: 12,
      targets: [promql(perDependency('kit_dependency_fallbacks_total'), '{{service}}: {{dependency}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Outbound errors by dependency',
      description: 'Outbound calls that ended in a 5xx or a network error, as the caller saw them (after retries). Empty: every outbound call succeeded.',
      unit: 'reqps',
      width: 12,
      targets: [promql('sum by (service, server_address, status_code) (rate(http_client_request_duration_seconds_count{service=~"$service", status_code!~"[1234].."}[$__rate_interval]))', '{{service}} → {{server_address}} {{status_code}}')],
    }),
  );

  board.withRow(row('Messages'));
  board.withPanel(
    timeSeries({
      title: 'Outbox backlog',
      description: 'order.placed events committed with their order but not yet published to RabbitMQ. Grows while the broker is down and drains, in order, when it returns: no event is lost. Empty: orders is not scraped.',
      width: 8,
      targets: [promql('sum by (service) (kit_orders_outbox_pending{service=~"$service"})', 'pending ({{service}})'), promql('sum by (service) (rate(kit_orders_outbox_published_total{service=~"$service"}[$__rate_interval]))', 'published/s ({{service}})')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Notifications by outcome',
      description: 'Messages the notifications consumer handled: sent, retried later (with backoff), skipped as duplicates, or dead-lettered after the last attempt. Empty: no order was placed.',
      unit: 'ops',
      width: 8,
      stack: true,
      targets: [promql('sum by (result) (rate(kit_notifications_messages_total{service=~"$service"}[$__rate_interval]))', '{{result}}')],
    }),
  );
  board.withPanel(
    statPanel({
      title: 'Dead letters',
      description: 'Messages moved to the dead-letter queue in the last 10 minutes (DeadLetters alert), and how many wait there now for someone to look at them. 0 is the healthy state. Empty: notifications is not scraped.',
      width: 8,
      height: 8,
      steps: [[null, 'green'], [1, 'red']],
      targets: [
        promql('sum(increase(kit_notifications_messages_total{service=~"$service", result="dead_lettered"}[10m])) or sum(0 * kit_notifications_messages_total{service=~"$service"})', 'last 10 min'),
        promql('sum(kit_notifications_queue_messages{service=~"$service", queue="dead_letter"})', 'waiting now'),
      ],
    }),
  );
  return board;
}
