// The kit on Kubernetes agrees with compose and with the services: same images (compose-go's reading
// of docker-compose.yml + .env), same environment, memory limits, probe paths the services answer,
// graceful termination longer than the drain, and the security rules on every rendered container.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { baseConfigShape, loadConfig } from '@kit/service';
import { loadCompose, memoryBytes, repoPath } from '@kit/stack';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FOLDERS, find, imagePort, podTemplates, rendered, serviceApp, type Untyped } from './helpers.js';

const SERVICES = ['gateway', 'catalog', 'orders', 'inventory', 'payments', 'notifications'];
const WORKLOADS = [...SERVICES, 'loadgen'];
const base = () => rendered('base');

/** docker-compose.yml as compose-go resolves it, with this deployment's environment name. */
function composeFor(environment: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kit-k8s-env-'));
  const envFile = path.join(dir, '.env');
  copyFileSync(repoPath('.env'), envFile);
  writeFileSync(envFile, `${readFileSync(envFile, 'utf8')}\nKIT_ENVIRONMENT=${environment}\n`);
  return loadCompose(repoPath('docker-compose.yml'), envFile);
}

/** A container's env with $(VAR) references and secretKeyRefs resolved the way the kubelet does. */
function resolvedEnv(container: Untyped, secret: Record<string, string>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const entry of container.env as { name: string; value?: string; valueFrom?: { secretKeyRef: { key: string } } }[]) {
    values[entry.name] = entry.valueFrom === undefined ? (entry.value ?? '').replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (_m, name: string) => values[name] ?? `$(${name})`) : (secret[entry.valueFrom.secretKeyRef.key] ?? '');
  }
  return values;
}

describe('k8s/base against compose', () => {
  const compose = composeFor('kubernetes');
  const secret = find(base(), 'Secret', 'kit-secrets').stringData as Record<string, string>;

  it('runs every compose container of the kit with its exact image', () => {
    for (const name of [...WORKLOADS, 'otel-collector', 'postgres', 'redis', 'rabbitmq']) {
      const owner = base().find((object) => (object.kind === 'Deployment' || object.kind === 'StatefulSet') && object.metadata.name === name);
      expect(owner, name).toBeDefined();
      expect(owner!.spec.template.spec.containers[0].image, name).toBe(compose.services[name]?.image);
    }
  });

  it('gives each service and the load generator compose\'s command and environment (secrets through the Secret)', () => {
    for (const name of WORKLOADS) {
      const container = find(base(), 'Deployment', name).spec.template.spec.containers[0];
      expect(container.args, name).toEqual(compose.services[name]?.command);
      const env = resolvedEnv(container, secret);
      const expected = Object.fromEntries(Object.entries(compose.services[name]?.environment ?? {}).map(([key, value]) => [key, value ?? '']));
      // extra names only where a compose value embeds a secret (DATABASE_URL needs POSTGRES_PASSWORD)
      for (const extra of Object.keys(env).filter((key) => !(key in expected))) expect(['POSTGRES_PASSWORD', 'RABBITMQ_PASSWORD'], `${name}: ${extra}`).toContain(extra);
      expect(Object.fromEntries(Object.entries(env).filter(([key]) => key in expected)), name).toEqual(expected);
      expect(env.OTEL_RESOURCE_ATTRIBUTES).toContain('deployment.environment.name=kubernetes');
    }
  });

  it('keeps secrets out of plain env values', () => {
    for (const { owner, spec } of podTemplates(base())) {
      for (const container of spec.containers) {
        for (const entry of container.env ?? []) {
          if (/PASSWORD|TOKEN/.test(entry.name as string)) expect(entry.valueFrom?.secretKeyRef, `${owner} ${entry.name}`).toBeDefined();
        }
      }
    }
  });

  it('limits every container\'s memory to its compose limit and requests the same', () => {
    for (const { owner, spec } of podTemplates(base())) {
      const name = owner.split('/')[1]!;
      const limit = memoryBytes(compose.services[name]?.deploy?.resources?.limits?.memory ?? '0');
      expect(limit, owner).toBeGreaterThan(0);
      const resources = spec.containers[0].resources;
      expect(memoryBytes(resources.limits.memory), owner).toBe(limit);
      expect(resources.requests.memory, owner).toBe(resources.limits.memory);
    }
  });
});

describe('probes and termination', () => {
  it('probes only paths the services serve, on the port the image listens on', async () => {
    const app = serviceApp();
    const paths = new Set<string>();
    for (const name of WORKLOADS) {
      const container = find(base(), 'Deployment', name).spec.template.spec.containers[0];
      const port = (container.ports as { name: string; containerPort: number }[])[0]!;
      expect(port.containerPort).toBe(imagePort());
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        expect(container[probe]?.httpGet?.port, `${name} ${probe}`).toBe(port.name);
        paths.add(container[probe].httpGet.path as string);
      }
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(container.livenessProbe.httpGet.path).toBe('/livez');
    }
    for (const probePath of paths) {
      const response = await request(app).get(probePath);
      expect(response.status, probePath).toBe(200);
    }
    expect((await request(app).get('/no-such-probe')).status).toBe(404);
  });

  it('gives each pod more time to stop than preStop, the drain delay and the shutdown timeout take together', () => {
    const defaults = loadConfig(z.object(baseConfigShape(0)), {});
    for (const name of WORKLOADS) {
      const pod = find(base(), 'Deployment', name).spec.template.spec;
      const container = pod.containers[0];
      const env = Object.fromEntries((container.env as { name: string; value?: string }[]).map((entry) => [entry.name, entry.value]));
      const drainMs = Number(env.DRAIN_DELAY_MS ?? defaults.DRAIN_DELAY_MS);
      const shutdownMs = Number(env.SHUTDOWN_TIMEOUT_MS ?? defaults.SHUTDOWN_TIMEOUT_MS);
      const preStopSeconds = container.lifecycle.preStop.sleep.seconds as number;
      expect(drainMs, name).toBeGreaterThan(0);
      expect(preStopSeconds, name).toBeGreaterThan(0);
      expect(pod.terminationGracePeriodSeconds * 1000, name).toBeGreaterThan(preStopSeconds * 1000 + drainMs + shutdownMs);
    }
  });

  it('keeps at least one pod of every service through voluntary disruptions', () => {
    for (const name of SERVICES) {
      const budget = find(base(), 'PodDisruptionBudget', name);
      const deployment = find(base(), 'Deployment', name);
      expect(budget.spec.minAvailable).toBe(1);
      expect(budget.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      expect(deployment.spec.replicas).toBeGreaterThan(budget.spec.minAvailable);
    }
  });
});

describe('security of the rendered manifests', () => {
  it.each(FOLDERS.filter((folder) => folder !== 'import'))('k8s/%s: no container runs as root or privileged, every one has CPU and memory limits', (folder) => {
    const pods = podTemplates(rendered(folder));
    expect(pods.length).toBeGreaterThanOrEqual(11);
    for (const { owner, spec } of pods) {
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
        const context = { ...spec.securityContext, ...container.securityContext };
        const where = `${owner} ${container.name as string}`;
        expect(context.runAsNonRoot, where).toBe(true);
        expect(context.runAsUser ?? 0, where).toBeGreaterThan(0);
        expect(context.privileged ?? false, where).toBe(false);
        expect(context.allowPrivilegeEscalation, where).toBe(false);
        expect(context.capabilities?.drop, where).toEqual(['ALL']);
        expect(container.resources?.limits?.memory, where).toBeDefined();
        expect(container.resources?.limits?.cpu, where).toBeDefined();
      }
    }
  });

  it('gives the kit image and the Collector a read-only root filesystem, as compose does', () => {
    for (const name of [...WORKLOADS, 'otel-collector']) {
      const container = find(base(), 'Deployment', name).spec.template.spec.containers[0];
      expect(container.securityContext.readOnlyRootFilesystem, name).toBe(true);
    }
  });
});
