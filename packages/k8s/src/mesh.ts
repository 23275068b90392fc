/**
 * k8s/mesh/istio: the kit in an Istio mesh — sidecar injection on its namespace, strict mTLS,
 * connection pools and outlier detection that mirror the services' bulkheads and circuit breakers,
 * per-caller timeouts and retries that mirror their own, and the mesh's traces sent to the kit's
 * Collector. The mesh retries only failures where the request never reached the upstream
 * (connect-failure, refused-stream): the services already retry idempotent calls themselves, and a
 * mesh retry of a POST could charge twice.
 */
import { DEFAULT_DEPENDENCY_SETTINGS } from '@kit/service';
import { DestinationRule, VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1';
import { Telemetry } from '@kubernetes-models/istio/telemetry.istio.io/v1';
import { fileFor, type Manifest } from './manifest.js';
import { KIT_NAMESPACE, PART_OF, SERVICE_PORT, selectorLabels } from './settings.js';
import { SERVICES, composeSource, type ServiceName } from './sources.js';

export const MESH = 'mesh/istio';
/** The name meshConfig gives the kit's Collector as a tracing provider. */
export const TRACING_PROVIDER = 'kit-otel-collector';

/**
 * Who calls whom, with the caller's per-attempt budget (the default of the setting named): the load
 * generator's LOADGEN_TIMEOUT_MS (sample-services/loadgen/src/main.ts), the gateway's UPSTREAM_TIMEOUT_MS
 * (sample-services/gateway/src/config.ts) and, towards orders, its CHECKOUT_DEADLINE_MS (a checkout's one
 * attempt gets the whole deadline, so the mesh must not cut it sooner), orders' UPSTREAM_TIMEOUT_MS and
 * PAYMENTS_TIMEOUT_MS (sample-services/orders/src/config.ts). Every caller uses the shared retry and
 * breaker settings (DEFAULT_DEPENDENCY_SETTINGS).
 */
export const CALLS: readonly { from: 'loadgen' | 'gateway' | 'orders'; to: ServiceName; setting: string; timeoutMs: number }[] = [
  { from: 'loadgen', to: 'gateway', setting: 'LOADGEN_TIMEOUT_MS', timeoutMs: 5_000 },
  ...(['catalog', 'inventory', 'payments', 'notifications'] as const).map((to) => ({ from: 'gateway' as const, to, setting: 'UPSTREAM_TIMEOUT_MS', timeoutMs: 3_000 })),
  { from: 'gateway', to: 'orders', setting: 'CHECKOUT_DEADLINE_MS', timeoutMs: 10_000 },
  { from: 'orders', to: 'catalog', setting: 'UPSTREAM_TIMEOUT_MS', timeoutMs: 1_000 },
  { from: 'orders', to: 'inventory', setting: 'UPSTREAM_TIMEOUT_MS', timeoutMs: 1_000 },
  { from: 'orders', to: 'payments', setting: 'PAYMENTS_TIMEOUT_MS', timeoutMs: 2_000 },
];

const seconds = (ms: number) => `${String(ms / 1000)}s`;

function virtualService(name: ServiceName): VirtualService {
  const { retries, retryBaseMs } = DEFAULT_DEPENDENCY_SETTINGS;
  const host = `${name}.${KIT_NAMESPACE}.svc.cluster.local`;
  const route = (timeoutMs: number) => ({
    route: [{ destination: { host, port: { number: SERVICE_PORT } } }],
    // the caller's whole budget: every attempt plus its backoff
    timeout: seconds((retries + 1) * timeoutMs + retries * retryBaseMs * 2),
    retries: { attempts: retries, perTryTimeout: seconds(timeoutMs), retryOn: 'connect-failure,refused-stream' },
  });
  const calls = CALLS.filter((call) => call.to === name);
  const fallback = Math.max(...calls.map((call) => call.timeoutMs));
  return new VirtualService({
    metadata: { name, labels: { ...PART_OF } },
    spec: {
      hosts: [host],
      http: [
        ...calls.map((call) => ({ name: `from-${call.from}`, match: [{ sourceLabels: selectorLabels(call.from) }], ...route(call.timeoutMs) })),
        { name: 'default', ...route(fallback) },
      ],
    },
  });
}

function destinationRule(name: ServiceName): DestinationRule {
  const { concurrency, queue, breakerFailures, halfOpenAfterMs } = DEFAULT_DEPENDENCY_SETTINGS;
  return new DestinationRule({
    metadata: { name, labels: { ...PART_OF } },
    spec: {
      host: `${name}.${KIT_NAMESPACE}.svc.cluster.local`,
      trafficPolicy: {
        tls: { mode: 'ISTIO_MUTUAL' },
        // the callers' bulkhead: calls in flight at once and how many more may wait
        connectionPool: { http: { http2MaxRequests: concurrency, http1MaxPendingRequests: queue } },
        // the callers' circuit breaker, per pod: eject after as many consecutive 5xx as open the circuit,
        // for as long as the circuit stays open before a trial call
        outlierDetection: { consecutive5xxErrors: breakerFailures, interval: '10s', baseEjectionTime: seconds(halfOpenAfterMs), maxEjectionPercent: 50 },
      },
    },
  });
}

/** Helm values for istiod: the kit's Collector as the mesh's OpenTelemetry tracing provider (meshConfig). */
function istiodValues(): Record<string, unknown> {
  return {
    meshConfig: {
      extensionProviders: [{ name: TRACING_PROVIDER, opentelemetry: { service: `otel-collector.${KIT_NAMESPACE}.svc.cluster.local`, port: 4317 } }],
    },
  };
}

export function meshManifests(): Manifest[] {
  const env = composeSource().env;
  const ratio = Number(env.get('TRACES_SAMPLER_RATIO') ?? '1');
  const manifests: Manifest[] = [
    {
      folder: MESH,
      file: fileFor('PeerAuthentication', 'default'),
      about: "Strict mTLS for every workload in the kit's namespace.",
      body: new PeerAuthentication({ metadata: { name: 'default', labels: { ...PART_OF } }, spec: { mtls: { mode: 'STRICT' } } }),
      resource: true,
    },
    {
      folder: MESH,
      file: fileFor('Telemetry', 'kit'),
      about: "The proxies' spans go to the kit's Collector, sampled like the services (TRACES_SAMPLER_RATIO in .env).",
      body: new Telemetry({ metadata: { name: 'kit', labels: { ...PART_OF } }, spec: { tracing: [{ providers: [{ name: TRACING_PROVIDER }], randomSamplingPercentage: ratio * 100 }] } }),
      resource: true,
    },
    {
      folder: MESH,
      file: 'istiod-values.yaml',
      about: "Helm values for istiod: names the kit's Collector as the mesh's OpenTelemetry tracing provider (meshConfig).",
      body: istiodValues(),
      resource: false,
      loadedBy: '`helm upgrade --install istiod istio/istiod -n istio-system -f k8s/mesh/istio/istiod-values.yaml` (or merge its meshConfig into your Istio install)',
    },
  ];
  for (const name of SERVICES) {
    manifests.push({ folder: MESH, file: fileFor('DestinationRule', name), about: `mTLS, connection pool and outlier detection for ${name}, mirroring its callers' bulkhead and breaker.`, body: destinationRule(name), resource: true });
    manifests.push({ folder: MESH, file: fileFor('VirtualService', name), about: `Timeouts and retries for calls to ${name}, per caller, mirroring the callers' own.`, body: virtualService(name), resource: true });
  }
  return manifests;
}
