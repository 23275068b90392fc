/**
 * k8s/import: the kit's dashboards, alerts and scrape targets for a cluster that already runs
 * kube-prometheus-stack. One ConfigMap per dashboard for Grafana's dashboard sidecar, one
 * PrometheusRule with exactly the groups of alerts/, ServiceMonitors for the kit's services and a
 * PodMonitor for its Collector. The namespace and the release label live in the kustomization only.
 */
import { FOLDER } from '@kit/dashboards';
import { PodMonitor, PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { fileFor, type Manifest } from './manifest.js';
import { JOB_LABEL, METRICS_PATH, PART_OF, selectorLabels } from './settings.js';
import { WORKLOADS, alertGroups, dashboardFiles } from './sources.js';

export const IMPORT = 'import';
/** The sidecar's default label (kube-prometheus-stack: grafana.sidecar.dashboards.label/labelValue). */
export const DASHBOARD_LABEL = { grafana_dashboard: '1' } as const;
/** The annotation the sidecar reads the folder from (grafana.sidecar.dashboards.folderAnnotation). */
export const FOLDER_ANNOTATION = 'grafana_folder';
export const RULE_NAME = 'msa-kit-rules';
export const SCRAPE_INTERVAL = '10s';

export function importManifests(): Manifest[] {
  const manifests: Manifest[] = [];
  for (const board of dashboardFiles(FOLDER)) {
    const body = new ConfigMap({
      metadata: { name: `dashboard-${board.uid}`, labels: { ...DASHBOARD_LABEL, ...PART_OF }, annotations: { [FOLDER_ANNOTATION]: FOLDER } },
      data: { [board.file]: board.json },
    });
    manifests.push({ folder: IMPORT, file: fileFor('ConfigMap', body.metadata?.name ?? ''), about: `Grafana dashboard "${board.title}" (grafana/dashboards/${FOLDER}/${board.file}) for the dashboard sidecar.`, body, resource: true });
  }
  manifests.push({
    folder: IMPORT,
    file: fileFor('PrometheusRule', RULE_NAME),
    about: 'Every rule group of alerts/*.yml, unchanged: recording rules and alerts for the Prometheus Operator.',
    body: new PrometheusRule({ metadata: { name: RULE_NAME, labels: { ...PART_OF } }, spec: { groups: alertGroups() as never } }),
    resource: true,
  });
  for (const name of WORKLOADS) {
    const body = new ServiceMonitor({
      metadata: { name: `kit-${name}`, labels: { ...PART_OF } },
      spec: {
        // the Service's msa-observability-kit/job label ("kit-services") becomes job, as compose's scrape job names it
        jobLabel: JOB_LABEL,
        namespaceSelector: { any: true },
        selector: { matchLabels: selectorLabels(name) },
        endpoints: [{ port: 'http', path: METRICS_PATH, interval: SCRAPE_INTERVAL, scrapeTimeout: '5s' }],
      },
    });
    manifests.push({ folder: IMPORT, file: fileFor('ServiceMonitor', `kit-${name}`), about: `Scrapes the kit's ${name} (job="kit-services", service="${name}").`, body, resource: true });
  }
  const job = (value: string) => [{ targetLabel: 'job', replacement: value, action: 'replace' as const }];
  const collector = new PodMonitor({
    metadata: { name: 'kit-otel-collector', labels: { ...PART_OF } },
    spec: {
      namespaceSelector: { any: true },
      selector: { matchLabels: selectorLabels('otel-collector') },
      podMetricsEndpoints: [
        // the Collector's own health, and the metrics it makes (service graph, OTLP metrics) with their labels kept
        { port: 'metrics', interval: SCRAPE_INTERVAL, relabelings: job('otel-collector') },
        { port: 'exported', interval: SCRAPE_INTERVAL, honorLabels: true, relabelings: job('otel-collector-exported') },
      ],
    },
  });
  manifests.push({ folder: IMPORT, file: fileFor('PodMonitor', 'kit-otel-collector'), about: "Scrapes the kit's OpenTelemetry Collector (jobs otel-collector and otel-collector-exported, as in compose).", body: collector, resource: true });
  return manifests;
}
