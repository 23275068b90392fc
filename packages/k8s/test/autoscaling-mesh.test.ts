// Autoscaling scales on what the Autoscaling dashboard predicts: the HPAs and KEDA triggers use the
// desired-replicas recording rule's metric and target, served by the adapter rules; the mesh's
// resilience settings mirror the services' own.
import { readFileSync } from 'node:fs';
import { DEFAULT_DEPENDENCY_SETTINGS } from '@kit/service';
import { repoPath } from '@kit/stack';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { find, rendered, type Untyped } from './helpers.js';

const SERVICES = ['gateway', 'catalog', 'orders', 'inventory', 'payments', 'notifications'];

/** The recording rule the dashboard's "desired" line plots, read straight from alerts/platform.yml. */
function desiredRule(): { metric: string; target: number } {
  const file = parse(readFileSync(repoPath('alerts', 'platform.yml'), 'utf8')) as { groups: { rules: { record?: string; expr: string }[] }[] };
  const rule = file.groups.flatMap((group) => group.rules).find((entry) => entry.record === 'service:replicas_desired:hpa_elu70');
  const match = /ceil\(sum by \(service\) \((\w+)\{job="kit-services"\}\) \/ ([0-9.]+)\)/.exec(rule?.expr ?? '');
  return { metric: match![1]!, target: Number(match![2]) };
}

/** A Kubernetes quantity as a number ("700m" → 0.7). */
const quantity = (value: string) => (value.endsWith('m') ? Number(value.slice(0, -1)) / 1000 : Number(value));

describe('HPAs (k8s/autoscaling/hpa)', () => {
  const objects = rendered('autoscaling/hpa');

  it('scale every service on the recording rule\'s metric with its per-pod target, as AverageValue (ceil(sum / target))', () => {
    const rule = desiredRule();
    expect(rule).toEqual({ metric: 'nodejs_eventloop_utilization_ratio', target: 0.7 });
    for (const name of SERVICES) {
      const hpa = find(objects, 'HorizontalPodAutoscaler', name);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
      const metric = (hpa.spec.metrics as Untyped[]).find((entry) => entry.pods?.metric.name === rule.metric);
      expect(metric?.type, name).toBe('Pods');
      expect(metric.pods.target.type).toBe('AverageValue');
      expect(quantity(metric.pods.target.averageValue as string)).toBeCloseTo(rule.target, 6);
      expect(hpa.metadata.namespace).toBe('msa-kit');
    }
  });

  it('read only metrics the prometheus-adapter rules serve per pod, from the kit-services job', () => {
    const values = parse(readFileSync(repoPath('k8s', 'autoscaling', 'hpa', 'prometheus-adapter-values.yaml'), 'utf8')) as { rules: { custom: { seriesQuery: string; name: { as: string }; resources: { overrides: Record<string, { resource: string }> } }[] } };
    const served = new Map(values.rules.custom.map((rule) => [rule.name.as, rule]));
    for (const name of SERVICES) {
      for (const metric of find(objects, 'HorizontalPodAutoscaler', name).spec.metrics as { pods: { metric: { name: string } } }[]) {
        const rule = served.get(metric.pods.metric.name);
        expect(rule, metric.pods.metric.name).toBeDefined();
        expect(rule!.seriesQuery).toContain('job="kit-services"');
        expect(rule!.resources.overrides.pod?.resource).toBe('pod');
      }
    }
  });

  it('leave the replica count of the services to the autoscaler', () => {
    for (const name of SERVICES) expect(find(objects, 'Deployment', name).spec.replicas, name).toBeUndefined();
    expect(find(objects, 'Deployment', 'loadgen').spec.replicas).toBe(1);
  });
});

describe('KEDA (k8s/autoscaling/keda)', () => {
  const objects = rendered('autoscaling/keda');
  const hpas = rendered('autoscaling/hpa');

  it('asks Prometheus for the recording rule\'s sum per service against the same target, with the HPAs\' behaviour', () => {
    const rule = desiredRule();
    for (const name of SERVICES) {
      const scaled = find(objects, 'ScaledObject', name);
      const hpa = find(hpas, 'HorizontalPodAutoscaler', name);
      const triggers = scaled.spec.triggers as { type: string; metricType: string; metadata: { query: string; threshold: string } }[];
      const elu = triggers.find((trigger) => trigger.metadata.query.startsWith(`sum(${rule.metric}{`));
      expect(elu?.type, name).toBe('prometheus');
      expect(elu!.metricType).toBe('AverageValue');
      expect(Number(elu!.metadata.threshold)).toBe(rule.target);
      expect(elu!.metadata.query).toContain(`service="${name}"`);
      expect(elu!.metadata.query).toContain('job="kit-services"');
      expect(scaled.spec.advanced.horizontalPodAutoscalerConfig.behavior).toEqual(hpa.spec.behavior);
      expect([scaled.spec.minReplicaCount, scaled.spec.maxReplicaCount]).toEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas]);
    }
  });

  it('scales notifications on its main queue at the backlog alert\'s threshold', () => {
    const messaging = readFileSync(repoPath('alerts', 'messaging.yml'), 'utf8');
    const threshold = Number(/kit_notifications_queue_messages\{[^}]*queue="main"\}\) > (\d+)/.exec(messaging)![1]);
    const triggers = find(objects, 'ScaledObject', 'notifications').spec.triggers as { metadata: { query: string; threshold: string } }[];
    const queue = triggers.find((trigger) => trigger.metadata.query.includes('kit_notifications_queue_messages'));
    expect(queue!.metadata.query).toContain('queue="main"');
    expect(Number(queue!.metadata.threshold)).toBe(threshold);
  });
});

describe('Istio (k8s/mesh/istio)', () => {
  const objects = rendered('mesh/istio');
  /** `.default(N)` of a setting in a service's source. */
  const sourceDefault = (file: string, setting: string) => Number(new RegExp(`${setting}: z[^\\n]*\\.default\\(([0-9_]+)\\)`).exec(readFileSync(repoPath('sample-services', file), 'utf8'))![1]!.replace(/_/g, ''));

  it('labels the namespace for sidecar injection and requires mTLS', () => {
    expect(find(objects, 'Namespace', 'msa-kit').metadata.labels?.['istio-injection']).toBe('enabled');
    expect(find(objects, 'PeerAuthentication', 'default').spec.mtls.mode).toBe('STRICT');
  });

  it('mirrors the callers\' bulkhead and circuit breaker in each DestinationRule', () => {
    const { concurrency, queue, breakerFailures, halfOpenAfterMs } = DEFAULT_DEPENDENCY_SETTINGS;
    for (const name of SERVICES) {
      const policy = find(objects, 'DestinationRule', name).spec.trafficPolicy;
      expect(policy.connectionPool.http).toEqual({ http2MaxRequests: concurrency, http1MaxPendingRequests: queue });
      expect(policy.outlierDetection.consecutive5xxErrors).toBe(breakerFailures);
      expect(policy.outlierDetection.baseEjectionTime).toBe(`${String(halfOpenAfterMs / 1000)}s`);
    }
  });

  it('gives each caller its own per-try timeout and retry count, retrying only requests that never reached the upstream', () => {
    const expected: [string, string, number][] = [
      ['gateway', 'catalog', sourceDefault('gateway/src/config.ts', 'UPSTREAM_TIMEOUT_MS')],
      ['gateway', 'orders', sourceDefault('gateway/src/config.ts', 'CHECKOUT_DEADLINE_MS')],
      ['orders', 'catalog', sourceDefault('orders/src/config.ts', 'UPSTREAM_TIMEOUT_MS')],
      ['orders', 'inventory', sourceDefault('orders/src/config.ts', 'UPSTREAM_TIMEOUT_MS')],
      ['orders', 'payments', sourceDefault('orders/src/config.ts', 'PAYMENTS_TIMEOUT_MS')],
      ['loadgen', 'gateway', sourceDefault('loadgen/src/main.ts', 'LOADGEN_TIMEOUT_MS')],
    ];
    for (const [from, to, timeoutMs] of expected) {
      const routes = find(objects, 'VirtualService', to).spec.http as { name: string; match?: { sourceLabels: Record<string, string> }[]; retries: { attempts: number; perTryTimeout: string; retryOn: string } }[];
      const route = routes.find((entry) => entry.match?.[0]?.sourceLabels['app.kubernetes.io/name'] === from);
      expect(route, `${from} → ${to}`).toBeDefined();
      expect(route!.retries.perTryTimeout).toBe(`${String(timeoutMs / 1000)}s`);
      expect(route!.retries.attempts).toBe(DEFAULT_DEPENDENCY_SETTINGS.retries);
      expect(route!.retries.retryOn.split(',').sort()).toEqual(['connect-failure', 'refused-stream']);
    }
  });

  it('sends the proxies\' spans to the kit\'s Collector through the provider istiod is configured with', () => {
    const telemetry = find(objects, 'Telemetry', 'kit');
    const values = parse(readFileSync(repoPath('k8s', 'mesh', 'istio', 'istiod-values.yaml'), 'utf8')) as { meshConfig: { extensionProviders: { name: string; opentelemetry: { service: string; port: number } }[] } };
    const provider = values.meshConfig.extensionProviders.find((entry) => entry.name === telemetry.spec.tracing[0].providers[0].name);
    expect(provider?.opentelemetry).toEqual({ service: 'otel-collector.msa-kit.svc.cluster.local', port: 4317 });
    const collector = find(objects, 'Service', 'otel-collector');
    expect((collector.spec.ports as { port: number }[]).map((port) => port.port)).toContain(4317);
  });
});
