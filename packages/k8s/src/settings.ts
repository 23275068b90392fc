/** The few names the manifests share: namespaces, labels, ports. The README documents each. */

/** Namespace the kit runs in (k8s/base's kustomization sets it on every object). */
export const KIT_NAMESPACE = 'msa-kit';
/** Namespace of the user's kube-prometheus-stack, where the import path's objects go. */
export const MONITORING_NAMESPACE = 'monitoring';
/** The label kube-prometheus-stack's Prometheus selects rules and monitors on: release=<Helm release name>. */
export const RELEASE_LABELS = { release: 'kube-prometheus-stack' } as const;
/** Prometheus as KEDA reaches it (kube-prometheus-stack's Service for that release name). */
export const PROMETHEUS_URL = `http://kube-prometheus-stack-prometheus.${MONITORING_NAMESPACE}.svc:9090`;

export const PART_OF = { 'app.kubernetes.io/part-of': 'msa-observability-kit' } as const;
/** Service label whose value becomes the scrape job (ServiceMonitor jobLabel): the rules select job="kit-services". */
export const JOB_LABEL = 'msa-observability-kit/job';
export const SERVICES_JOB = 'kit-services';

/** The port every kit service listens on (the image's ENV PORT) and serves /metrics, /livez, /readyz on. */
export const SERVICE_PORT = 8080;
export const METRICS_PATH = '/metrics';
export const LIVENESS_PATH = '/livez';
export const READINESS_PATH = '/readyz';

/** uid/gid of the "node" user the kit image runs as (Dockerfile: USER node). */
export const NODE_UID = 1000;

export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, ...PART_OF };
}

export function labels(name: string, component: 'service' | 'load-generator' | 'store' | 'telemetry'): Record<string, string> {
  return { ...selectorLabels(name), 'app.kubernetes.io/component': component };
}
