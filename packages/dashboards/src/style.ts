/**
 * The house style every kit dashboard shares: datasources and services as variables (so the JSON
 * imports into any Grafana), the time window and refresh, the chaos annotation, the links between
 * dashboards, and the few units and colours panels use.
 */
/* eslint-disable @typescript-eslint/no-deprecated -- the classic (v1) dashboard JSON is what file provisioning and
   UI import accept in every Grafana users run today; the v2 schema needs Grafana 12+ with its new API. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

export const TAGS = ['kit', 'generated'];
export const FOLDER = 'kit';

/** Datasources are picked through these variables; no datasource uid is ever written down. */
export const DS = {
  prometheus: { type: 'prometheus', uid: '${prometheus}' },
  loki: { type: 'loki', uid: '${loki}' },
  tempo: { type: 'tempo', uid: '${tempo}' },
} as const;

/** The kit's API traffic: probes and scrapes are left out of every RED panel. */
export const API = 'job=~".+", route!~"/livez|/readyz|/metrics"';

export function datasourceVariables(): dashboard.DatasourceVariableBuilder[] {
  return [
    new dashboard.DatasourceVariableBuilder('prometheus').label('Metrics').type('prometheus'),
    new dashboard.DatasourceVariableBuilder('loki').label('Logs').type('loki'),
    new dashboard.DatasourceVariableBuilder('tempo').label('Traces').type('tempo'),
  ];
}

/** The services that export the kit's RED histogram; `multi` adds "All" (any service). */
export function serviceVariable(multi: boolean): dashboard.QueryVariableBuilder {
  const variable = new dashboard.QueryVariableBuilder('service')
    .label('Service')
    .datasource(DS.prometheus)
    .query('label_values(http_server_request_duration_seconds_count, service)')
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  return multi ? variable.multi(true).includeAll(true).allValue('.+') : variable.multi(false).includeAll(false);
}

/** Chaos faults as annotations: a marker while a fault is active in a selected service. */
export function chaosAnnotation(): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name('Chaos faults')
    .datasource(DS.prometheus)
    .enable(true)
    .iconColor('orange')
    .expr('sum by (service, fault) (kit_chaos_faults_active{service=~"$service"}) > 0')
    .titleFormat('chaos: {{fault}}')
    .textFormat('{{fault}} injected in {{service}}')
    .step('10s');
}

/** A dashboard with the shared settings; the caller adds rows and panels. */
export function kitDashboard(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(TAGS)
    .editable()
    .time({ from: 'now-30m', to: 'now' })
    .refresh('10s')
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(new dashboard.DashboardLinkBuilder('Kit dashboards').type(dashboard.DashboardLinkType.Dashboards).tags(['kit']).asDropdown(true).includeVars(true).keepTime(true));
}

/** A link from a panel to the per-service dashboard, for the series' service. */
export const serviceDetailLink = {
  title: 'Open ${__field.labels.service} in Service detail',
  url: '/d/kit-service?var-service=${__field.labels.service}&${__url_time_range}&${prometheus:queryparam}&${loki:queryparam}&${tempo:queryparam}',
};
