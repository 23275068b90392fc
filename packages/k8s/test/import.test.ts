// The import path as `kubectl apply -k k8s/import` sends it: the rules are exactly alerts/, every
// dashboard has its sidecar ConfigMap, every kit workload has a monitor whose port and path the
// service really serves, and the namespace and release label are set once, in the kustomization.
import { readdirSync, readFileSync } from 'node:fs';
import { repoPath } from '@kit/stack';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { find, imagePort, rendered, serviceApp } from './helpers.js';

const WORKLOADS = ['gateway', 'catalog', 'orders', 'inventory', 'payments', 'notifications', 'loadgen'];
const imported = () => rendered('import');

describe('k8s/import', () => {
  it('holds one PrometheusRule whose groups are exactly those of alerts/*.yml', () => {
    const rules = imported().filter((object) => object.kind === 'PrometheusRule');
    expect(rules).toHaveLength(1);
    const files = readdirSync(repoPath('alerts')).filter((file) => file.endsWith('.yml')).sort();
    expect(files.length).toBeGreaterThanOrEqual(4);
    const groups = files.flatMap((file) => (parse(readFileSync(repoPath('alerts', file), 'utf8')) as { groups: unknown[] }).groups);
    expect(rules[0]!.spec.groups).toEqual(groups);
  });

  it('has a sidecar ConfigMap per committed dashboard, holding the JSON byte for byte, in the kit folder', () => {
    const dir = repoPath('grafana', 'dashboards', 'kit');
    const boards = readdirSync(dir).filter((file) => file.endsWith('.json'));
    expect(boards.length).toBeGreaterThanOrEqual(7);
    const maps = imported().filter((object) => object.kind === 'ConfigMap' && object.metadata.labels?.grafana_dashboard === '1');
    expect(maps).toHaveLength(boards.length);
    for (const file of boards) {
      const map = maps.find((candidate) => candidate.data?.[file] !== undefined);
      expect(map, file).toBeDefined();
      expect(map!.data![file]).toBe(readFileSync(`${dir}/${file}`, 'utf8'));
      expect(map!.metadata.annotations?.grafana_folder).toBe('kit');
    }
  });

  it('sets the namespace and the release label on every object from the kustomization alone', () => {
    const kustomization = parse(readFileSync(repoPath('k8s', 'import', 'kustomization.yaml'), 'utf8')) as { namespace: string; labels: { pairs: Record<string, string> }[] };
    const release = kustomization.labels[0]!.pairs.release;
    expect(release).toBe('kube-prometheus-stack');
    for (const object of imported()) {
      expect(object.metadata.namespace, object.metadata.name).toBe(kustomization.namespace);
      expect(object.metadata.labels?.release, object.metadata.name).toBe(release);
    }
    // no object file names them itself, so the kustomization is the one place to change them
    for (const file of readdirSync(repoPath('k8s', 'import')).filter((name) => name !== 'kustomization.yaml')) {
      const text = readFileSync(repoPath('k8s', 'import', file), 'utf8');
      expect(text, file).not.toMatch(/^\s*namespace:/m);
      expect(text, file).not.toMatch(/^\s*release:/m);
    }
  });

  it('scrapes every workload through a ServiceMonitor whose port and path the base Service and the service serve', async () => {
    const base = rendered('base');
    const paths = new Set<string>();
    for (const name of WORKLOADS) {
      const monitor = find(imported(), 'ServiceMonitor', `kit-${name}`);
      const service = find(base, 'Service', name);
      const deployment = find(base, 'Deployment', name);
      // the monitor selects this Service (and no other) and takes job from its label: job="kit-services" as the rules expect
      const selected = base.filter((object) => object.kind === 'Service' && Object.entries(monitor.spec.selector.matchLabels as Record<string, string>).every(([key, value]) => object.metadata.labels?.[key] === value));
      expect(selected.map((object) => object.metadata.name)).toEqual([name]);
      expect(service.metadata.labels?.[monitor.spec.jobLabel as string]).toBe('kit-services');
      const [endpoint] = monitor.spec.endpoints as { port: string; path: string }[];
      const servicePort = (service.spec.ports as { name: string; port: number; targetPort: string }[]).find((port) => port.name === endpoint!.port);
      expect(servicePort, name).toBeDefined();
      const containerPort = (deployment.spec.template.spec.containers[0].ports as { name: string; containerPort: number }[]).find((port) => port.name === servicePort!.targetPort);
      expect(containerPort?.containerPort).toBe(imagePort());
      paths.add(endpoint!.path);
    }
    expect([...paths]).toEqual(['/metrics']);
    const response = await request(serviceApp()).get('/metrics');
    expect(response.status).toBe(200);
    expect(response.text).toMatch(/^# (HELP|TYPE) /m);
  });

  it('scrapes the Collector under the job names compose gives it, on ports its Deployment opens', () => {
    const monitor = find(imported(), 'PodMonitor', 'kit-otel-collector');
    const container = find(rendered('base'), 'Deployment', 'otel-collector').spec.template.spec.containers[0];
    const ports = new Map((container.ports as { name: string; containerPort: number }[]).map((port) => [port.name, port.containerPort]));
    const endpoints = monitor.spec.podMetricsEndpoints as { port: string; relabelings: { targetLabel: string; replacement: string }[] }[];
    expect(endpoints.map((endpoint) => [ports.get(endpoint.port), endpoint.relabelings.find((r) => r.targetLabel === 'job')?.replacement])).toEqual([
      [8888, 'otel-collector'],
      [8889, 'otel-collector-exported'],
    ]);
    const prometheus = readFileSync(repoPath('prometheus', 'prometheus.yml'), 'utf8');
    expect(prometheus).toContain('targets: [otel-collector:8888]');
    expect(prometheus).toContain('targets: [otel-collector:8889]');
  });
});
