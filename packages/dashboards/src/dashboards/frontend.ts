/** Frontend: the storefront as its users see it (Faro real-user monitoring, stored in Loki). */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { logMetrics, logsPanel, logTable, row } from '../panels';
import { datasourceVariables, kitDashboard } from '../style';

const app = '{service_name="$app"}';

export function frontendDashboard() {
  const board = kitDashboard('kit-frontend', 'Kit / Frontend', 'Real users of the storefront: page loads, web vitals, JavaScript errors and sessions, from the Faro Web SDK through the Collector\'s Faro receiver into Loki.');
  for (const variable of datasourceVariables()) board.withVariable(variable);
  board.withVariable(new dashboard.TextBoxVariableBuilder('app').label('Faro app name').defaultValue('storefront').current({ text: 'storefront', value: 'storefront' }));

  board.withRow(row('Traffic'));
  board.withPanel(
    logMetrics({
      title: 'Page loads',
      description: 'Navigations the browser reported (Faro performance events). Empty: no browser has opened the storefront in the time range.',
      width: 8,
      bars: true,
      exprs: [[`sum(count_over_time(${app} | kind="event" | logfmt | event_name="faro.performance.navigation" [$__auto]))`, 'page loads']],
    }),
  );
  board.withPanel(
    logMetrics({
      title: 'Sessions',
      description: 'Distinct browser sessions that sent anything in each interval. Empty: no browser has opened the storefront.',
      width: 8,
      exprs: [[`count(sum by (session_id) (count_over_time(${app} | logfmt [$__auto])))`, 'sessions']],
    }),
  );
  board.withPanel(
    logMetrics({
      title: 'JavaScript errors',
      description: 'Uncaught exceptions and console errors reported by browsers, by error type. Empty: no browser error, the healthy state.',
      width: 8,
      bars: true,
      exprs: [[`sum by (type) (count_over_time(${app} | kind="exception" | logfmt [$__auto]))`, '{{type}}']],
    }),
  );

  board.withRow(row('Web vitals'));
  for (const [vital, unit, what] of [
    ['lcp', 'ms', 'Largest Contentful Paint: when the main content showed (good under 2.5 s)'],
    ['fcp', 'ms', 'First Contentful Paint: when anything showed'],
    ['cls', 'short', 'Cumulative Layout Shift: how much the page jumped (good under 0.1)'],
    ['inp', 'ms', 'Interaction to Next Paint: how fast the page reacted to clicks (good under 200 ms)'],
    ['ttfb', 'ms', 'Time To First Byte: how fast the gateway answered the page request'],
  ] as const) {
    board.withPanel(
      logMetrics({
        title: `${vital.toUpperCase()} p75`,
        description: `${what}; 75th percentile of what real browsers measured. Empty: no browser reported it in the time range.`,
        unit,
        width: vital === 'lcp' || vital === 'fcp' ? 12 : 8,
        exprs: [[`quantile_over_time(0.75, ${app} | kind="measurement" | logfmt | type="web-vitals" | value_${vital}!="" | unwrap value_${vital} [$__auto]) by (app_name)`, vital]],
      }),
    );
  }

  board.withRow(row('Errors'));
  board.withPanel(
    logTable({
      title: 'Top JavaScript errors',
      description: 'The most frequent browser errors in the time range, by type and message. Empty: no browser error.',
      width: 24,
      expr: `topk(10, sum by (type, value) (count_over_time(${app} | kind="exception" | logfmt [$__range])))`,
    }),
  );
  board.withPanel(
    logsPanel({
      title: 'Browser events',
      description: 'Everything the storefront\'s browsers sent: logs, errors, events and measurements, newest first. Empty: no browser has opened the storefront.',
      expr: app,
    }),
  );
  return board;
}
