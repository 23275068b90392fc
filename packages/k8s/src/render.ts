/**
 * Every file under k8s/: the manifests of each folder and the kustomization.yaml that lists them.
 * Pure: the same sources give the same bytes (the generator writes them, the tests compare them).
 */
import { autoscalingManifests, HPA, KEDA, REMOVE_REPLICAS } from './autoscaling.js';
import { BASE, baseManifests } from './base.js';
import { IMPORT, importManifests } from './import.js';
import { renderManifest, type Manifest } from './manifest.js';
import { MESH, meshManifests } from './mesh.js';
import { KIT_NAMESPACE, MONITORING_NAMESPACE, RELEASE_LABELS } from './settings.js';
import { composeSource } from './sources.js';

interface FolderSpec {
  readonly about: string;
  readonly extra: Record<string, unknown>;
  readonly bases: string[];
}

const FOLDERS: Record<string, FolderSpec> = {
  [IMPORT]: {
    about: 'The import path: the kit\'s dashboards, rules and monitors for an existing kube-prometheus-stack. Set namespace and labels here.',
    bases: [],
    extra: {
      // where kube-prometheus-stack runs (its Grafana sidecar watches ConfigMaps there by default)
      namespace: MONITORING_NAMESPACE,
      // what its Prometheus selects PrometheusRules and monitors on: release=<your Helm release name>
      labels: [{ pairs: RELEASE_LABELS, includeSelectors: false }],
    },
  },
  [BASE]: { about: 'The kit on Kubernetes: services, load generator, Collector and stores.', bases: [], extra: { namespace: KIT_NAMESPACE } },
  [HPA]: { about: 'The kit with HPAs on application metrics (needs prometheus-adapter with the values file here).', bases: ['../../base'], extra: { namespace: KIT_NAMESPACE, patches: REMOVE_REPLICAS } },
  [KEDA]: { about: 'The kit with KEDA ScaledObjects on application metrics and queue depth (needs KEDA).', bases: ['../../base'], extra: { namespace: KIT_NAMESPACE, patches: REMOVE_REPLICAS } },
  [MESH]: {
    about: 'The kit in an Istio mesh: sidecar injection, strict mTLS, resilience and telemetry settings.',
    bases: ['../../base'],
    extra: {
      namespace: KIT_NAMESPACE,
      patches: [{ target: { kind: 'Namespace', name: KIT_NAMESPACE }, patch: '[{"op": "add", "path": "/metadata/labels/istio-injection", "value": "enabled"}]' }],
    },
  },
};

/** Every manifest, folder by folder. */
export function allManifests(): Manifest[] {
  return [...importManifests(), ...baseManifests(composeSource()), ...autoscalingManifests(), ...meshManifests()];
}

/** k8s/<path> → file text, for every generated file. */
export function renderAll(): Map<string, string> {
  const files = new Map<string, string>();
  const manifests = allManifests();
  for (const [folder, spec] of Object.entries(FOLDERS)) {
    const own = manifests.filter((manifest) => manifest.folder === folder);
    for (const manifest of own) files.set(`${folder}/${manifest.file}`, renderManifest(manifest));
    const kustomization: Manifest = {
      folder,
      file: 'kustomization.yaml',
      about: spec.about,
      body: {
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        ...spec.extra,
        resources: [...spec.bases, ...own.filter((manifest) => manifest.resource).map((manifest) => manifest.file)],
      },
      resource: false,
      loadedBy: `\`kubectl apply -k k8s/${folder}\` (kustomize)`,
    };
    files.set(`${folder}/kustomization.yaml`, renderManifest(kustomization));
  }
  const unplaced = manifests.filter((manifest) => !(manifest.folder in FOLDERS));
  if (unplaced.length > 0) throw new Error(`manifests in unknown folders: ${unplaced.map((m) => m.folder).join(', ')}`);
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}
