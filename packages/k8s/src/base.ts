/**
 * k8s/base: the kit itself on Kubernetes — the six services and the load generator with compose's
 * images and environment, the Collector with otel-collector/config.yaml, and the stores as small
 * StatefulSets. Hardened like compose (non-root, read-only root, no privileges, no capabilities),
 * with probes on /livez and /readyz, limits from compose's memory limits, PodDisruptionBudgets and a
 * termination grace period longer than preStop + drain + shutdown.
 */
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import type { IContainer, IEnvVar, IPodSpec, IProbe, ISecurityContext, IVolume, IVolumeMount } from 'kubernetes-models/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { fileFor, type Manifest, type ModelObject } from './manifest.js';
import { KIT_NAMESPACE, JOB_LABEL, LIVENESS_PATH, NODE_UID, PART_OF, READINESS_PATH, SERVICES_JOB, SERVICE_PORT, labels, selectorLabels } from './settings.js';
import {
  SERVICES,
  WORKLOADS,
  collectorConfig,
  composeEnvironment,
  composeImage,
  composeMemoryMiB,
  composeAliases,
  composeService,
  postgresInit,
  secretValues,
  type ComposeSource,
  type WorkloadName,
} from './sources.js';

export const BASE = 'base';
export const SECRET_NAME = 'kit-secrets';
/** What the kit's signals call this deployment (deployment.environment.name); compose says "compose". */
export const K8S_ENVIRONMENT = 'kubernetes';
/** Seconds a terminating pod keeps serving while endpoints and proxies forget it, before SIGTERM. */
export const PRE_STOP_SECONDS = 5;
/** Longer than preStop + DRAIN_DELAY_MS + SHUTDOWN_TIMEOUT_MS (the services' default 10 s). */
export const TERMINATION_GRACE_SECONDS = 30;
/** Replicas of each service in k8s/base (the HPAs' minimum too); the load generator runs one. */
export const SERVICE_REPLICAS = 2;

/** Where the Collector sends traces and logs: the cluster's Tempo and Loki (change them in this ConfigMap). */
export const COLLECTOR_BACKENDS = {
  TEMPO_OTLP_HTTP_ENDPOINT: 'http://tempo.monitoring.svc:4318',
  LOKI_OTLP_HTTP_ENDPOINT: 'http://loki.monitoring.svc:3100/otlp',
};

/** Compose's .env with this deployment's environment name. */
export function k8sEnv(source: ComposeSource): Map<string, string> {
  return new Map([...source.env, ['KIT_ENVIRONMENT', K8S_ENVIRONMENT]]);
}

const restricted = (uid: number, readOnlyRoot = true): ISecurityContext => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  readOnlyRootFilesystem: readOnlyRoot,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
});

const resources = (memoryMiB: number, cpuRequest: string) => ({
  requests: { cpu: cpuRequest, memory: `${String(memoryMiB)}Mi` },
  limits: { cpu: '1', memory: `${String(memoryMiB)}Mi` },
});

/**
 * A compose environment as Kubernetes env: secrets come from the kit's Secret, first, so that values
 * built from them ("postgres://kit:$(POSTGRES_PASSWORD)@…") expand.
 */
function containerEnv(entries: [string, string][]): IEnvVar[] {
  const secretRef = (name: string, key: string): IEnvVar => ({ name, valueFrom: { secretKeyRef: { name: SECRET_NAME, key } } });
  const direct = new Map<string, string>();
  const referenced = new Set<string>();
  for (const [key, value] of entries) {
    const whole = /^\$\(([A-Z_][A-Z0-9_]*)\)$/.exec(value)?.[1];
    if (whole !== undefined && whole === key) continue;
    for (const match of value.matchAll(/\$\(([A-Z_][A-Z0-9_]*)\)/g)) if (match[1] !== undefined) referenced.add(match[1]);
    direct.set(key, value);
  }
  const secrets = entries.filter(([key, value]) => value === `$(${key})`).map(([key]) => secretRef(key, key));
  const helpers = [...referenced].filter((key) => !direct.has(key)).sort().map((key) => secretRef(key, key));
  return [...helpers, ...secrets, ...[...direct].map(([name, value]) => ({ name, value }))];
}

const tmpVolume: IVolume = { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } };
const tmpMount: IVolumeMount = { name: 'tmp', mountPath: '/tmp' };

function httpProbe(path: string, periodSeconds: number, failureThreshold: number): IProbe {
  return { httpGet: { path, port: 'http' }, periodSeconds, failureThreshold, timeoutSeconds: 3 };
}

function workload(source: ComposeSource, name: WorkloadName): ModelObject[] {
  const service = composeService(source, name);
  const command = service.command;
  if (command === undefined) throw new Error(`compose service ${name} has no command`);
  const component = name === 'loadgen' ? 'load-generator' : 'service';
  const env = k8sEnv(source);
  const container: IContainer = {
    name,
    image: composeImage(source, name),
    args: command,
    ports: [{ name: 'http', containerPort: SERVICE_PORT, protocol: 'TCP' }],
    env: containerEnv(composeEnvironment({ ...source, env }, name)),
    resources: resources(composeMemoryMiB(source, name), '50m'),
    securityContext: restricted(NODE_UID),
    startupProbe: httpProbe(LIVENESS_PATH, 2, 30),
    readinessProbe: httpProbe(READINESS_PATH, 5, 2),
    livenessProbe: httpProbe(LIVENESS_PATH, 10, 3),
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
    volumeMounts: [tmpMount],
  };
  const podLabels = labels(name, component);
  const deployment = new Deployment({
    metadata: { name, labels: podLabels },
    spec: {
      replicas: name === 'loadgen' ? 1 : SERVICE_REPLICAS,
      selector: { matchLabels: selectorLabels(name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { ...podLabels, [JOB_LABEL]: SERVICES_JOB } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          containers: [container],
          volumes: [tmpVolume],
        },
      },
    },
  });
  const svc = new Service({
    metadata: { name, labels: { ...podLabels, [JOB_LABEL]: SERVICES_JOB } },
    spec: { selector: selectorLabels(name), ports: [{ name: 'http', port: SERVICE_PORT, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }] },
  });
  // compose network aliases become Services over the same pods (loadgen calls `shop`, the gateway)
  const aliases = composeAliases(source, name).map(
    (alias) =>
      new Service({
        // labelled with its own name: the gateway's ServiceMonitor must not select it too (double scrapes)
        metadata: { name: alias, labels: { ...podLabels, 'app.kubernetes.io/name': alias } },
        spec: { selector: selectorLabels(name), ports: [{ name: 'http', port: SERVICE_PORT, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }] },
      }),
  );
  const objects: ModelObject[] = [deployment, svc, ...aliases];
  if (component === 'service') {
    objects.push(new PodDisruptionBudget({ metadata: { name, labels: podLabels }, spec: { minAvailable: 1, selector: { matchLabels: selectorLabels(name) } } }));
  }
  return objects;
}

function collector(source: ComposeSource): ModelObject[] {
  const name = 'otel-collector';
  const compose = composeService(source, name);
  const objLabels = labels(name, 'telemetry');
  const ports = [
    { name: 'otlp-grpc', port: 4317, appProtocol: 'grpc' },
    { name: 'otlp-http', port: 4318, appProtocol: 'http' },
    { name: 'faro', port: 8027, appProtocol: 'http' },
    { name: 'metrics', port: 8888, appProtocol: 'http' },
    { name: 'exported', port: 8889, appProtocol: 'http' },
    { name: 'health', port: 13133, appProtocol: 'http' },
  ];
  const config = new ConfigMap({ metadata: { name: 'otel-collector-config', labels: objLabels }, data: { 'config.yaml': collectorConfig() } });
  const backends = new ConfigMap({ metadata: { name: 'otel-collector-backends', labels: objLabels }, data: COLLECTOR_BACKENDS });
  const healthProbe = (periodSeconds: number, failureThreshold: number): IProbe => ({ httpGet: { path: '/', port: 'health' }, periodSeconds, failureThreshold, timeoutSeconds: 3 });
  const podSpec: IPodSpec = {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
    containers: [
      {
        name,
        image: composeImage(source, name),
        args: compose.command ?? [],
        ports: ports.map((port) => ({ name: port.name, containerPort: port.port, protocol: 'TCP' })),
        env: containerEnv(composeEnvironment({ ...source, env: k8sEnv(source) }, name)),
        envFrom: [{ configMapRef: { name: 'otel-collector-backends' } }],
        resources: resources(composeMemoryMiB(source, name), '50m'),
        securityContext: restricted(10001),
        readinessProbe: healthProbe(5, 2),
        livenessProbe: healthProbe(10, 3),
        volumeMounts: [{ name: 'config', mountPath: '/etc/otelcol', readOnly: true }],
      },
    ],
    volumes: [{ name: 'config', configMap: { name: 'otel-collector-config' } }],
  };
  const deployment = new Deployment({
    metadata: { name, labels: objLabels },
    spec: { replicas: 1, selector: { matchLabels: selectorLabels(name) }, template: { metadata: { labels: objLabels }, spec: podSpec } },
  });
  const svc = new Service({
    metadata: { name, labels: objLabels },
    spec: { selector: selectorLabels(name), ports: ports.map((port) => ({ name: port.name, port: port.port, targetPort: port.name, protocol: 'TCP', appProtocol: port.appProtocol })) },
  });
  return [config, backends, deployment, svc];
}

interface StoreSpec {
  readonly name: 'postgres' | 'redis' | 'rabbitmq';
  readonly port: { name: string; port: number };
  /** Data folder: a PersistentVolumeClaim, or an emptyDir when the store keeps nothing (redis --save ""). */
  readonly data?: { mountPath: string; size: string; persistent: boolean };
  readonly extraEnv?: IEnvVar[];
  readonly extraMounts?: { volume: IVolume; mount: IVolumeMount }[];
  /** The image writes outside its data folder at start (RabbitMQ), so its root stays writable. */
  readonly writableRoot?: boolean;
  readonly uid: number;
}

const STORES: StoreSpec[] = [
  {
    name: 'postgres',
    port: { name: 'tcp-postgres', port: 5432 },
    data: { mountPath: '/var/lib/postgresql/data', size: '1Gi', persistent: true },
    // a fresh volume has lost+found at its root; initdb wants an empty folder
    extraEnv: [{ name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' }],
    extraMounts: [
      { volume: { name: 'run', emptyDir: {} }, mount: { name: 'run', mountPath: '/var/run/postgresql' } },
      { volume: { name: 'init', configMap: { name: 'postgres-init' } }, mount: { name: 'init', mountPath: '/docker-entrypoint-initdb.d', readOnly: true } },
    ],
    uid: 999,
  },
  { name: 'redis', port: { name: 'tcp-redis', port: 6379 }, data: { mountPath: '/data', size: '0', persistent: false }, uid: 999 },
  {
    name: 'rabbitmq',
    port: { name: 'tcp-amqp', port: 5672 },
    data: { mountPath: '/var/lib/rabbitmq', size: '1Gi', persistent: true },
    writableRoot: true,
    uid: 999,
  },
];

function store(source: ComposeSource, spec: StoreSpec): ModelObject[] {
  const compose = composeService(source, spec.name);
  const objLabels = labels(spec.name, 'store');
  const test = compose.healthcheck?.test ?? [];
  if (test[0] !== 'CMD') throw new Error(`compose service ${spec.name}: expected an exec healthcheck (CMD …)`);
  const execProbe = (periodSeconds: number, failureThreshold: number): IProbe => ({ exec: { command: test.slice(1) }, periodSeconds, failureThreshold, timeoutSeconds: 10 });
  const volumes: IVolume[] = [tmpVolume, ...(spec.extraMounts ?? []).map((extra) => extra.volume)];
  const mounts: IVolumeMount[] = [tmpMount, ...(spec.extraMounts ?? []).map((extra) => extra.mount)];
  if (spec.data !== undefined) {
    mounts.push({ name: 'data', mountPath: spec.data.mountPath });
    if (!spec.data.persistent) volumes.push({ name: 'data', emptyDir: {} });
  }
  const container: IContainer = {
    name: spec.name,
    image: composeImage(source, spec.name),
    ...(compose.command === undefined ? {} : { args: compose.command }),
    ports: [{ name: spec.port.name, containerPort: spec.port.port, protocol: 'TCP' }],
    env: [...containerEnv(composeEnvironment({ ...source, env: k8sEnv(source) }, spec.name)), ...(spec.extraEnv ?? [])],
    resources: resources(composeMemoryMiB(source, spec.name), '50m'),
    securityContext: restricted(spec.uid, spec.writableRoot !== true),
    startupProbe: execProbe(5, 60),
    readinessProbe: execProbe(10, 3),
    livenessProbe: execProbe(20, 6),
    volumeMounts: mounts,
  };
  const statefulSet = new StatefulSet({
    metadata: { name: spec.name, labels: objLabels },
    spec: {
      serviceName: spec.name,
      replicas: 1,
      selector: { matchLabels: selectorLabels(spec.name) },
      template: {
        metadata: { labels: objLabels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, fsGroup: spec.uid, seccompProfile: { type: 'RuntimeDefault' } },
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          containers: [container],
          volumes,
        },
      },
      ...(spec.data?.persistent === true
        ? { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: spec.data.size } } } }] }
        : {}),
    },
  });
  const svc = new Service({
    metadata: { name: spec.name, labels: objLabels },
    spec: { selector: selectorLabels(spec.name), ports: [{ name: spec.port.name, port: spec.port.port, targetPort: spec.port.name, protocol: 'TCP' }] },
  });
  return [statefulSet, svc];
}

/** Every object of k8s/base, with the file each goes to. */
export function baseManifests(source: ComposeSource): Manifest[] {
  const manifests: Manifest[] = [];
  const add = (about: string, body: ModelObject & { kind?: string; metadata?: { name?: string } }) => {
    manifests.push({ folder: BASE, file: fileFor(body.kind ?? 'object', body.metadata?.name ?? 'unnamed'), about, body, resource: true });
  };
  add('The namespace the kit runs in (the kustomization sets every object into it).', new Namespace({ metadata: { name: KIT_NAMESPACE, labels: { ...PART_OF } } }));
  add(
    'Demo secrets of the kit (the .env values): change them before you expose anything.',
    new Secret({ metadata: { name: SECRET_NAME, labels: { ...PART_OF } }, type: 'Opaque', stringData: secretValues(source) }),
  );
  for (const name of WORKLOADS) for (const object of workload(source, name)) add(`The kit's ${name} (${SERVICES.includes(name as never) ? 'service' : 'load generator'}), as in docker-compose.yml.`, object);
  for (const object of collector(source)) add('The OpenTelemetry Collector with otel-collector/config.yaml; it sends traces to Tempo and logs to Loki.', object);
  add('Creates the orders and notifications databases on PostgreSQL\'s first start (postgres/init-databases.sql).', new ConfigMap({ metadata: { name: 'postgres-init', labels: labels('postgres', 'store') }, data: { 'init-databases.sql': postgresInit() } }));
  for (const spec of STORES) for (const object of store(source, spec)) add(`The kit's ${spec.name} store, as in docker-compose.yml.`, object);
  return manifests;
}
