/** What the k8s tests share: kustomize builds of the k8s/ folders and small accessors on their objects. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServiceApp } from '@kit/service';
import { goTool, repoPath } from '@kit/stack';
import { Lifecycle, createLogger } from '@kit/telemetry';
import { Router } from 'express';
import { parseAllDocuments } from 'yaml';

/** Parsed YAML of many kinds, whose shape the tests assert field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- objects of a dozen kinds, read as the API server would
export type Untyped = any;

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Untyped;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
} & Record<string, Untyped>;

export const FOLDERS = ['import', 'base', 'autoscaling/hpa', 'autoscaling/keda', 'mesh/istio'] as const;

/** `kustomize build` of a folder (kustomize's own library, scripts/kustomize-check); throws with its message. */
export function kustomizeBuild(folder: string): K8sObject[] {
  try {
    const out = execFileSync(goTool('kustomize-check'), [folder], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
    return parseAllDocuments(out).map((doc) => doc.toJS() as K8sObject);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    throw new Error(stderr === undefined || stderr === '' ? String(error) : stderr.trim(), { cause: error });
  }
}

const cache = new Map<string, K8sObject[]>();
/** The rendered objects of k8s/<folder>, built once per test file. */
export function rendered(folder: (typeof FOLDERS)[number]): K8sObject[] {
  let objects = cache.get(folder);
  if (objects === undefined) {
    objects = kustomizeBuild(repoPath('k8s', folder));
    cache.set(folder, objects);
  }
  return objects;
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found;
}

/** Pod templates with their containers, from Deployments and StatefulSets. */
export function podTemplates(objects: K8sObject[]): { owner: string; spec: Untyped }[] {
  return objects.filter((object) => object.kind === 'Deployment' || object.kind === 'StatefulSet').map((object) => ({ owner: `${object.kind}/${object.metadata.name}`, spec: object.spec.template.spec }));
}

/** The port the kit image listens on (Dockerfile: ENV PORT=…). */
export function imagePort(): number {
  const match = /\bPORT=(\d+)/.exec(readFileSync(repoPath('Dockerfile'), 'utf8'));
  return Number(match?.[1]);
}

/** The app every kit service builds around its own routes: health and metrics come from it. */
export function serviceApp(): ReturnType<typeof createServiceApp> {
  const lifecycle = new Lifecycle();
  lifecycle.markStarted();
  return createServiceApp({ lifecycle, logger: createLogger({ level: 'error', service: 'k8s-test' }), routes: Router() });
}
