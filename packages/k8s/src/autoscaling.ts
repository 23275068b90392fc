/**
 * k8s/autoscaling: the services scale on the signals the Autoscaling dashboard shows. Two
 * alternatives, each a kustomization over k8s/base that leaves replicas to the autoscaler:
 *  - hpa/: autoscaling/v2 HPAs on per-pod custom metrics served by prometheus-adapter (its Helm values
 *    are generated next to them);
 *  - keda/: KEDA ScaledObjects with Prometheus triggers, plus the queue depth for notifications.
 * The event-loop target and metric come from the desired-replicas recording rule in alerts/, so the
 * dashboard's "desired" line is what the HPA computes; the queue threshold is the backlog alert's.
 */
import { DEFAULT_DEPENDENCY_SETTINGS } from '@kit/service';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { fileFor, type Manifest } from './manifest.js';
import { KIT_NAMESPACE, PART_OF, PROMETHEUS_URL, SERVICES_JOB } from './settings.js';
import { SERVICES, alertGroups, type ServiceName } from './sources.js';
import { SERVICE_REPLICAS } from './base.js';

export const HPA = 'autoscaling/hpa';
export const KEDA = 'autoscaling/keda';
export const DESIRED_RULE = 'service:replicas_desired:hpa_elu70';
export const IN_FLIGHT_METRIC = 'http_server_active_requests';
/**
 * Requests in flight per pod the HPA aims for: half of what one caller's bulkhead lets through to a
 * dependency (DEFAULT_DEPENDENCY_SETTINGS.concurrency), so pods are added before a caller queues.
 */
export const IN_FLIGHT_TARGET = DEFAULT_DEPENDENCY_SETTINGS.concurrency / 2;
export const MAX_REPLICAS = 10;
/**
 * Scale up as soon as the desired count rises (the recording rule's value, evaluated every 10 s);
 * scale down to the highest desired count of the last five minutes (the HPA default), so a dip does
 * not remove pods that the next burst needs.
 */
export const BEHAVIOR = {
  scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
  scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] },
} as const;

function rule(name: string, kind: 'record' | 'alert'): { expr: string } {
  for (const group of alertGroups()) for (const entry of group.rules) if (entry[kind] === name) return entry as { expr: string };
  throw new Error(`alerts/ has no ${kind} ${name}`);
}

/** The metric and the per-pod target of the desired-replicas recording rule: ceil(sum(metric) / target). */
export function desiredReplicasRule(): { metric: string; target: number; expr: string } {
  const { expr } = rule(DESIRED_RULE, 'record');
  const match = /ceil\(sum by \(service\) \(([a-z_:]+)\{job="kit-services"\}\) \/ ([0-9.]+)\)/.exec(expr);
  if (match?.[1] === undefined || match[2] === undefined) throw new Error(`${DESIRED_RULE} is no longer ceil(sum by (service) (metric{job="kit-services"}) / target): ${expr}`);
  return { metric: match[1], target: Number(match[2]), expr };
}

/** The backlog (messages in the main queue) at which NotificationsQueueBacklog fires. */
export function queueBacklogThreshold(): number {
  const { expr } = rule('NotificationsQueueBacklog', 'alert');
  const match = /kit_notifications_queue_messages\{[^}]*queue="main"[^}]*\}\) > ([0-9]+)/.exec(expr);
  if (match?.[1] === undefined) throw new Error(`NotificationsQueueBacklog no longer compares the main queue to a number: ${expr}`);
  return Number(match[1]);
}

/** A Kubernetes quantity for a fraction: 0.7 → "700m". */
export function quantity(value: number): string {
  return Number.isInteger(value) ? String(value) : `${String(Math.round(value * 1000))}m`;
}

function hpa(name: ServiceName): HorizontalPodAutoscaler {
  const desired = desiredReplicasRule();
  const pods = (metric: string, averageValue: string) => ({ type: 'Pods', pods: { metric: { name: metric }, target: { type: 'AverageValue', averageValue } } });
  return new HorizontalPodAutoscaler({
    metadata: { name, labels: { ...PART_OF } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: SERVICE_REPLICAS,
      maxReplicas: MAX_REPLICAS,
      metrics: [pods(desired.metric, quantity(desired.target)), pods(IN_FLIGHT_METRIC, quantity(IN_FLIGHT_TARGET))],
      behavior: BEHAVIOR as never,
    },
  });
}

/** prometheus-adapter rules that serve the two per-pod metrics the HPAs read. */
export function adapterValues(): Record<string, unknown> {
  const desired = desiredReplicasRule();
  const series = (metric: string, aggregate: 'avg' | 'sum') => ({
    seriesQuery: `${metric}{job="${SERVICES_JOB}",namespace!="",pod!=""}`,
    resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
    name: { matches: `^${metric}$`, as: metric },
    metricsQuery: `${aggregate}(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)`,
  });
  return {
    prometheus: { url: PROMETHEUS_URL.replace(/:9090$/, ''), port: 9090 },
    rules: {
      default: false,
      // one value per pod: event-loop utilisation (one series per process), requests in flight summed over routes
      custom: [series(desired.metric, 'avg'), series(IN_FLIGHT_METRIC, 'sum')],
    },
  };
}

function scaledObject(name: ServiceName): ScaledObject {
  const desired = desiredReplicasRule();
  const selector = `job="${SERVICES_JOB}",namespace="${KIT_NAMESPACE}",service="${name}"`;
  // KEDA's Prometheus trigger (metricType AverageValue) asks for ceil(query / threshold) replicas:
  // with the recording rule's sum and target that is exactly the dashboard's desired count
  const trigger = (query: string, threshold: number) => ({ type: 'prometheus', metricType: 'AverageValue', metadata: { serverAddress: PROMETHEUS_URL, query, threshold: String(threshold) } });
  const triggers = [trigger(`sum(${desired.metric}{${selector}})`, desired.target), trigger(`sum(${IN_FLIGHT_METRIC}{${selector}})`, IN_FLIGHT_TARGET)];
  if (name === 'notifications') triggers.push(trigger(`max(kit_notifications_queue_messages{${selector},queue="main"})`, queueBacklogThreshold()));
  return new ScaledObject({
    metadata: { name, labels: { ...PART_OF } },
    spec: {
      scaleTargetRef: { name },
      minReplicaCount: SERVICE_REPLICAS,
      maxReplicaCount: MAX_REPLICAS,
      pollingInterval: 10,
      advanced: { horizontalPodAutoscalerConfig: { behavior: BEHAVIOR as never } },
      triggers,
    },
  });
}

/** The base's service replica counts removed: the autoscaler owns them. */
export const REMOVE_REPLICAS = [{ target: { kind: 'Deployment', labelSelector: 'app.kubernetes.io/component=service' }, patch: '[{"op": "remove", "path": "/spec/replicas"}]' }];

export function autoscalingManifests(): Manifest[] {
  const manifests: Manifest[] = [];
  for (const name of SERVICES) {
    manifests.push({ folder: HPA, file: fileFor('HorizontalPodAutoscaler', name), about: `Scales ${name} on event-loop utilisation and requests in flight per pod (prometheus-adapter).`, body: hpa(name), resource: true });
    manifests.push({ folder: KEDA, file: fileFor('ScaledObject', name), about: `Scales ${name} with KEDA's Prometheus trigger on the same signals${name === 'notifications' ? ' and the queue depth' : ''}.`, body: scaledObject(name), resource: true });
  }
  manifests.push({
    folder: HPA,
    file: 'prometheus-adapter-values.yaml',
    about: 'Helm values for prometheus-adapter: serves the per-pod custom metrics the HPAs here read.',
    body: adapterValues(),
    resource: false,
    loadedBy: '`helm install prometheus-adapter prometheus-community/prometheus-adapter -n monitoring -f k8s/autoscaling/hpa/prometheus-adapter-values.yaml`',
  });
  return manifests;
}
