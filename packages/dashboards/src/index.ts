/** @kit/dashboards: the kit's Grafana dashboards, built in TypeScript, generated into grafana/dashboards. */
/* eslint-disable @typescript-eslint/no-deprecated -- the classic (v1) dashboard JSON is what file provisioning and
   UI import accept in every Grafana users run today; the v2 schema needs Grafana 12+ with its new API. */
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { autoscaling } from './dashboards/autoscaling';
import { frontendDashboard } from './dashboards/frontend';
import { logsDashboard } from './dashboards/logs';
import { overview } from './dashboards/overview';
import { pipelineDashboard } from './dashboards/pipeline';
import { resilience } from './dashboards/resilience';
import { serviceDetail } from './dashboards/service';

export { FOLDER } from './style';

/** Every dashboard, in the order the README presents them. */
export function dashboards(): DashboardBuilder[] {
  return [overview(), serviceDetail(), resilience(), autoscaling(), logsDashboard(), pipelineDashboard(), frontendDashboard()];
}

/** A dashboard as the committed file holds it: pretty JSON, ending with a newline. */
export function render(board: DashboardBuilder): { uid: string; file: string; json: string } {
  const built = board.build();
  const uid = built.uid ?? '';
  return { uid, file: `${uid}.json`, json: `${JSON.stringify(built, null, 2)}\n` };
}
export { GRAFANA_VARIABLES, interpolate, panelsOf, queriesOf } from './queries';
export type { DashboardJson, PanelJson, PanelQuery } from './queries';
