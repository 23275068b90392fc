/**
 * Panel factories: each kit panel is one call with a title, a description (what it shows and what an
 * empty panel means) and its queries. Every query goes through a datasource variable.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as nodegraph from '@grafana/grafana-foundation-sdk/nodegraph';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as tempo from '@grafana/grafana-foundation-sdk/tempo';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DS } from './style';

export interface PanelSpec {
  readonly title: string;
  /** What the panel shows, and what it means when it is empty. */
  readonly description: string;
  /** Grid columns out of 24 (default 12) and rows (default 8). */
  readonly width?: number;
  readonly height?: number;
  readonly unit?: string;
  readonly links?: readonly { title: string; url: string }[];
}

const REF_IDS = 'ABCDEFGHIJ';

/** A PromQL query; `legend` is Grafana's legend format ({{label}}). */
export function promql(expr: string, legend = '', options: { instant?: boolean; exemplar?: boolean; format?: prometheus.PromQueryFormat } = {}): prometheus.DataqueryBuilder {
  const query = new prometheus.DataqueryBuilder().datasource(DS.prometheus).expr(expr).legendFormat(legend === '' ? '__auto' : legend);
  if (options.instant === true) query.instant();
  else query.range();
  if (options.exemplar === true) query.exemplar(true);
  if (options.format !== undefined) query.format(options.format);
  return query;
}

function withTargets<T extends { withTarget(t: prometheus.DataqueryBuilder): T }>(panel: T, targets: readonly prometheus.DataqueryBuilder[]): T {
  targets.forEach((target, i) => panel.withTarget(target.refId(REF_IDS[i] ?? `Q${String(i)}`)));
  return panel;
}

function links(spec: PanelSpec): dashboard.DashboardLinkBuilder[] {
  return (spec.links ?? []).map((link) => new dashboard.DashboardLinkBuilder(link.title).url(link.url));
}

/** What every panel type shares: title, description, datasource variable, and its place on the grid. */
interface Framed<T> {
  title(title: string): T;
  description(description: string): T;
  datasource(ref: { type: string; uid: string }): T;
  span(width: number): T;
  height(height: number): T;
}
function frame<T extends Framed<T>>(panel: T, spec: PanelSpec, datasource: { type: string; uid: string }, size: readonly [number, number]): T {
  return panel
    .title(spec.title)
    .description(spec.description)
    .datasource(datasource)
    .span(spec.width ?? size[0])
    .height(spec.height ?? size[1]);
}

const legend = () => new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom);

interface GraphSpec extends PanelSpec {
  readonly stack?: boolean;
  readonly bars?: boolean;
  readonly min?: number;
  readonly max?: number;
}

/** A time-series graph in the house style, on the given datasource; the caller adds its queries. */
function graph(spec: GraphSpec, datasource: { type: string; uid: string }): timeseries.PanelBuilder {
  const panel = frame(new timeseries.PanelBuilder(), spec, datasource, [12, 8])
    .unit(spec.unit ?? 'short')
    .legend(legend())
    .fillOpacity(spec.stack === true ? 40 : 10)
    .lineWidth(1)
    .showPoints(common.VisibilityMode.Never)
    .dataLinks(links(spec));
  if (spec.bars === true) panel.drawStyle(common.GraphDrawStyle.Bars);
  if (spec.stack === true) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  return panel;
}

export function timeSeries(spec: GraphSpec & { targets: readonly prometheus.DataqueryBuilder[] }): timeseries.PanelBuilder {
  return withTargets(graph(spec, DS.prometheus), spec.targets);
}

/** A single number with a threshold colour: steps are [from value, colour], the first from -infinity. */
export function statPanel(spec: PanelSpec & { targets: readonly prometheus.DataqueryBuilder[]; steps: readonly [number | null, string][]; decimals?: number }): stat.PanelBuilder {
  const panel = frame(new stat.PanelBuilder(), spec, DS.prometheus, [6, 6])
    .unit(spec.unit ?? 'short')
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.Area)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(spec.steps.map(([value, color]) => ({ value, color }))))
    .dataLinks(links(spec));
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  return withTargets(panel, spec.targets);
}

/** A latency heatmap from a Prometheus histogram, with exemplars (click one to open its trace). */
export function latencyHeatmap(spec: PanelSpec & { expr: string }): heatmap.PanelBuilder {
  const panel = frame(new heatmap.PanelBuilder(), spec, DS.prometheus, [12, 8])
    .calculate(false)
    .yAxis(new heatmap.YAxisConfigBuilder().unit('s'))
    .color(new heatmap.HeatmapColorOptionsBuilder().mode(heatmap.HeatmapColorMode.Scheme).scheme('Oranges').exponent(0.5).steps(64))
    .cellValues(new heatmap.CellValuesBuilder().unit('reqps'))
    .exemplarsColor('rgba(255,0,255,0.7)');
  return withTargets(panel, [promql(spec.expr, '{{le}}', { exemplar: true, format: prometheus.PromQueryFormat.Heatmap })]);
}

/** Circuit breaker (or any small enum gauge) states over time. */
export function stateTimeline(spec: PanelSpec & { targets: readonly prometheus.DataqueryBuilder[]; states: readonly [number, string, string][] }): statetimeline.PanelBuilder {
  const options: Record<string, { text: string; color: string; index: number }> = {};
  spec.states.forEach(([value, text, color], index) => (options[String(value)] = { text, color, index }));
  const panel = frame(new statetimeline.PanelBuilder(), spec, DS.prometheus, [12, 8])
    .mappings([{ type: dashboard.MappingType.ValueToText, options }])
    .showValue(common.VisibilityMode.Never)
    .legend(legend());
  return withTargets(panel, spec.targets);
}

/** A table of instant values, e.g. the alerts that are pending or firing. */
export function instantTable(spec: PanelSpec & { targets: readonly prometheus.DataqueryBuilder[] }): table.PanelBuilder {
  const panel = frame(new table.PanelBuilder(), spec, DS.prometheus, [12, 8])
    .dataLinks(links(spec));
  return withTargets(panel, spec.targets);
}

/** Log lines from Loki; the trace_id structured metadata links each line to its trace. */
export function logsPanel(spec: PanelSpec & { expr: string }): logs.PanelBuilder {
  return frame(new logs.PanelBuilder(), spec, DS.loki, [24, 10])
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending)
    .withTarget(new loki.DataqueryBuilder().datasource(DS.loki).expr(spec.expr).refId('A').maxLines(500));
}

/** A LogQL metric query over time (log volume, error rate from logs). */
export function logMetrics(spec: GraphSpec & { exprs: readonly [string, string][] }): timeseries.PanelBuilder {
  const panel = graph(spec, DS.loki);
  spec.exprs.forEach(([expr, legendFormat], i) =>
    panel.withTarget(new loki.DataqueryBuilder().datasource(DS.loki).expr(expr).legendFormat(legendFormat).refId(REF_IDS[i] ?? 'Z').range(true)),
  );
  return panel;
}

/** A LogQL instant query shown as a table (top messages). */
export function logTable(spec: PanelSpec & { expr: string }): table.PanelBuilder {
  return frame(new table.PanelBuilder(), spec, DS.loki, [12, 8])
    .withTarget(new loki.DataqueryBuilder().datasource(DS.loki).expr(spec.expr).refId('A').instant(true));
}

/** Traces from Tempo matching a TraceQL query, as a table (click a trace id to open it). */
export function traceTable(spec: PanelSpec & { traceql: string; limit?: number }): table.PanelBuilder {
  return frame(new table.PanelBuilder(), spec, DS.tempo, [24, 8])
    .withTarget(new tempo.DataqueryBuilder().datasource(DS.tempo).queryType('traceql').query(spec.traceql).limit(spec.limit ?? 20).refId('A'));
}

/** The service map Tempo draws from the Collector's service-graph metrics in Prometheus. */
export function serviceMap(spec: PanelSpec): nodegraph.PanelBuilder {
  return frame(new nodegraph.PanelBuilder(), spec, DS.tempo, [24, 12])
    .withTarget(new tempo.DataqueryBuilder().datasource(DS.tempo).queryType('serviceMap').refId('A'));
}

export function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title);
}
