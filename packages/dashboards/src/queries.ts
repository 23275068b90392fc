/**
 * Reads generated dashboard JSON back: every panel, and every query with the datasource variable it
 * goes through. The tests use it to parse each query and to run each PromQL against Prometheus.
 */
export interface DashboardJson {
  uid: string;
  title: string;
  tags?: string[];
  panels?: PanelJson[];
  templating?: { list?: { name: string; type: string; query?: unknown; datasource?: { type?: string; uid?: string } }[] };
  annotations?: { list?: { name: string; expr?: string; datasource?: { type?: string; uid?: string } }[] };
  links?: { type: string; tags?: string[]; url?: string }[];
}
export interface PanelJson {
  type: string;
  title: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  targets?: { refId?: string; expr?: string; query?: string; queryType?: string; datasource?: { type?: string; uid?: string } }[];
  fieldConfig?: { defaults?: { links?: { title: string; url: string }[] } };
  panels?: PanelJson[];
}
export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  /** The datasource variable's type: prometheus, loki or tempo. */
  readonly language: 'promql' | 'logql' | 'traceql' | 'tempo-servicemap';
  readonly datasourceUid: string;
  readonly expr: string;
}

/** Every panel that is not a row, rows' children included. */
export function panelsOf(board: DashboardJson): PanelJson[] {
  return (board.panels ?? []).flatMap((panel) => (panel.type === 'row' ? (panel.panels ?? []) : [panel]));
}

export function queriesOf(board: DashboardJson): PanelQuery[] {
  return panelsOf(board).flatMap((panel) =>
    (panel.targets ?? []).map((target) => {
      const datasource = target.datasource ?? panel.datasource ?? {};
      const type = datasource.type ?? '';
      const language = type === 'prometheus' ? 'promql' : type === 'loki' ? 'logql' : target.queryType === 'serviceMap' ? 'tempo-servicemap' : 'traceql';
      return { dashboard: board.uid, panel: panel.title, language, datasourceUid: datasource.uid ?? '', expr: target.expr ?? target.query ?? '' } as const;
    }),
  );
}

/** Grafana's own variables the kit's queries use, with a value for running the query outside Grafana. */
export const GRAFANA_VARIABLES: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '30s',
  __range: '5m',
  __auto: '1m',
};

/** Replaces $name and ${name} (and ${name:format}) with the given values. */
export function interpolate(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => values[braced ?? bare ?? ''] ?? whole);
}
