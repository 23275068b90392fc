/** Overview: the service map, the checkout SLOs, every service's RED, and what is alerting now. */
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { instantTable, promql, row, serviceMap, statPanel, timeSeries } from '../panels';
import { API, chaosAnnotation, datasourceVariables, kitDashboard, serviceDetailLink, serviceVariable } from '../style';

const requests = (extra = '') => `http_server_request_duration_seconds_count{service=~"$service", ${API}${extra}}`;

export function overview() {
  const board = kitDashboard('kit-overview', 'Kit / Overview', 'The whole shop at a glance: who calls whom, the checkout SLOs, rate, errors and latency of every service, and the alerts that are active.');
  for (const variable of datasourceVariables()) board.withVariable(variable);
  board.withVariable(serviceVariable(true)).annotation(chaosAnnotation());

  board.withRow(row('Service map'));
  board.withPanel(
    serviceMap({
      title: 'Service map',
      description:
        'Calls between services, databases and the broker over the time range, drawn by Tempo from the service-graph metrics the Collector derives from traces (traces_service_graph_*). Empty: no traces reached the Collector yet, or Tempo\'s service map is not pointed at this Prometheus.',
    }),
  );

  board.withRow(row('Checkout SLOs'));
  board.withPanel(
    statPanel({
      title: 'Checkout availability (1 h)',
      description: 'Share of checkouts (POST /api/orders at the gateway, or at the monolith when the shop runs as one process) answered without a 5xx over the last hour. The SLO is 99.5 %: red below it. Empty: no checkout in the last hour.',
      unit: 'percentunit',
      decimals: 2,
      steps: [[null, 'red'], [0.995, 'green']],
      targets: [promql('1 - checkout:http_errors:ratio_rate1h', 'availability')],
    }),
  );
  board.withPanel(
    statPanel({
      title: 'Checkouts within 500 ms (1 h)',
      description: 'Share of checkouts answered within 500 ms over the last hour. The SLO is 99 %: red below it. Empty: no checkout in the last hour.',
      unit: 'percentunit',
      decimals: 2,
      steps: [[null, 'red'], [0.99, 'green']],
      targets: [promql('1 - checkout:http_slow:ratio_rate1h', 'within 500 ms')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Error-budget burn rate',
      description:
        'How many times faster than allowed each SLO spends its budget (1 = exactly on budget for the month). The fast-burn alert pages at 14.4 over 1 h and 5 min; the slow one tickets at 3 over 1 day. Empty: no checkouts.',
      unit: 'x',
      width: 12,
      height: 6,
      min: 0,
      targets: [
        promql('checkout:http_errors:ratio_rate5m / 0.005', 'availability, 5 min'),
        promql('checkout:http_errors:ratio_rate1h / 0.005', 'availability, 1 h'),
        promql('checkout:http_slow:ratio_rate5m / 0.01', 'latency, 5 min'),
        promql('checkout:http_slow:ratio_rate1h / 0.01', 'latency, 1 h'),
      ],
    }),
  );

  board.withRow(row('Services: rate, errors, duration'));
  board.withPanel(
    timeSeries({
      title: 'Requests per second by service',
      description: 'Requests each service answers (probes and scrapes left out). Click a series to open that service. Empty: nothing is scraped; check Prometheus targets.',
      unit: 'reqps',
      width: 8,
      links: [serviceDetailLink],
      targets: [promql(`sum by (service) (rate(${requests()}[$__rate_interval]))`, '{{service}}')],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Error ratio by service (5xx)',
      description: 'Share of each service\'s responses that are 5xx; 0 when it had none. 4xx answers (bad input, declined cards) are the client\'s doing and not counted. Empty: no traffic.',
      unit: 'percentunit',
      width: 8,
      min: 0,
      links: [serviceDetailLink],
      targets: [
        promql(
          `(sum by (service) (rate(${requests(', status_code=~"5.."')}[$__rate_interval])) or 0 * sum by (service) (rate(${requests()}[$__rate_interval]))) / sum by (service) (rate(${requests()}[$__rate_interval]))`,
          '{{service}}',
        ),
      ],
    }),
  );
  board.withPanel(
    timeSeries({
      title: 'Duration p50 / p95 / p99 by service',
      description: 'Latency percentiles of each service\'s responses, from the request-duration histogram. Empty: no traffic.',
      unit: 's',
      width: 8,
      links: [serviceDetailLink],
      targets: [0.5, 0.95, 0.99].map((q) =>
        promql(`histogram_quantile(${String(q)}, sum by (service, le) (rate(http_server_request_duration_seconds_bucket{service=~"$service", ${API}}[$__rate_interval])))`, `{{service}} p${String(q * 100)}`),
      ),
    }),
  );

  board.withRow(row('Alerts'));
  board.withPanel(
    instantTable({
      title: 'Active alerts',
      description: 'Alerts pending (condition true, waiting for its "for") or firing right now, from Prometheus\' ALERTS series; see alerts/runbook.md for each. Empty: nothing is wrong.',
      width: 24,
      height: 6,
      targets: [promql('ALERTS{alertstate=~"pending|firing"}', '', { instant: true, format: prometheus.PromQueryFormat.Table })],
    }),
  );
  return board;
}
