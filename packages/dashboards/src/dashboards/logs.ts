/** Logs: error rate by service and level, top error messages, volume, and a search panel (Loki). */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { logMetrics, logsPanel, logTable, row } from '../panels';
import { datasourceVariables, kitDashboard, serviceVariable } from '../style';

const stream = '{service_name=~"$service"}';

export function logsDashboard() {
  const board = kitDashboard('kit-logs', 'Kit / Logs', 'Every service\'s logs from Loki: how many, how many errors, the most frequent error messages, and a search. Each line links to its trace.');
  for (const variable of datasourceVariables()) board.withVariable(variable);
  board.withVariable(serviceVariable(true));
  board.withVariable(new dashboard.TextBoxVariableBuilder('search').label('Line contains (regex)').defaultValue(''));

  board.withRow(row('Volume and errors'));
  board.withPanel(
    logMetrics({
      title: 'Log lines by service and level',
      description: 'Log lines per second, by service and level (Loki detects the level from the OTLP severity). Empty: no logs reached Loki; see the Telemetry pipeline dashboard.',
      unit: 'short',
      width: 12,
      stack: true,
      exprs: [[`sum by (service_name, detected_level) (count_over_time(${stream} [$__auto]))`, '{{service_name}} {{detected_level}}']],
    }),
  );
  board.withPanel(
    logMetrics({
      title: 'Error and warning lines by service',
      description: 'Lines logged at error or warn level per second. A step here usually matches a 5xx step on the Overview. Empty: nothing went wrong in the time range.',
      width: 12,
      exprs: [[`sum by (service_name, detected_level) (count_over_time(${stream} | detected_level=~"error|warn" [$__auto]))`, '{{service_name}} {{detected_level}}']],
    }),
  );
  board.withPanel(
    logTable({
      title: 'Top error and warning messages',
      description: 'The ten most frequent error and warning lines in the time range (first 120 characters), per service. Empty: nothing went wrong.',
      width: 24,
      expr: `topk(10, sum by (service_name, message) (count_over_time(${stream} | detected_level=~"error|warn" | regexp "^(?P<message>.{0,120})" [$__range])))`,
    }),
  );

  board.withRow(row('Search'));
  board.withPanel(
    logsPanel({
      title: 'Log lines (filter with the search box)',
      description: 'Lines of the selected services whose text matches the search box (a regular expression; empty matches all), newest first; open a line for its trace. Empty: nothing matches.',
      height: 14,
      expr: `${stream} |~ "$search"`,
    }),
  );
  return board;
}
