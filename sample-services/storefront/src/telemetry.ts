/**
 * Real-user monitoring with the Faro Web SDK: page loads and navigation timing, web vitals, JS
 * errors, console errors, user actions (elements with data-faro-user-action-name), view changes,
 * and fetch spans (@grafana/faro-web-tracing) whose `traceparent` reaches the gateway. Everything
 * goes to the Collector's Faro receiver named in the runtime settings; without one the shop runs
 * without browser telemetry.
 */
import { faro, getWebInstrumentations, initializeFaro } from '@grafana/faro-web-sdk';
import { TracingInstrumentation } from '@grafana/faro-web-tracing';
import type { Settings } from './settings';

let started = false;

export function startTelemetry(settings: Settings): boolean {
  if (settings.faroUrl === undefined || started) return started;
  initializeFaro({
    url: settings.faroUrl,
    app: { name: settings.appName, version: __APP_VERSION__, environment: settings.environment },
    instrumentations: [
      ...getWebInstrumentations({ captureConsole: true }),
      // API calls are same-origin, so they carry traceparent without a CORS exception
      new TracingInstrumentation(),
    ],
    sessionTracking: { enabled: true, persistent: true },
    batching: { enabled: true, sendTimeout: 1_000, itemLimit: 50 },
  });
  started = true;
  return started;
}

/** Marks a route change, so Grafana groups page events by view. */
export function setView(name: string): void {
  if (started) faro.api.setView({ name });
}

/** Reports an error the page caught and showed (it would otherwise never reach Faro). */
export function reportError(error: unknown, context: Record<string, string> = {}): void {
  if (!started) return;
  faro.api.pushError(error instanceof Error ? error : new Error(String(error)), { context });
}
