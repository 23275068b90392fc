/**
 * Process-wide telemetry state shared between the preload and the service's code. Kept on
 * `globalThis` under a symbol so two copies of this package in one process still agree.
 */
export interface TelemetryHandle {
  readonly serviceName: string;
  /** False when OTEL_LOGS_EXPORTER=none: loggers then write stdout only. */
  readonly exportsLogs: boolean;
  /** True while the OTLP exports are failing (the last one failed, or one has hung for over a second). */
  exportsFailing(): boolean;
  /** Exports everything buffered; resolves even when the collector is unreachable. */
  forceFlush(): Promise<void>;
  /** Flushes and stops the SDK; idempotent. */
  shutdown(): Promise<void>;
}

const KEY = Symbol.for('kit.telemetry.handle');
type GlobalWithHandle = { [KEY]?: TelemetryHandle };

export function setTelemetry(handle: TelemetryHandle | undefined): void {
  const g = globalThis as GlobalWithHandle;
  if (handle === undefined) Reflect.deleteProperty(g, KEY);
  else g[KEY] = handle;
}

/** The telemetry started by the preload, or undefined when the process runs without it. */
export function getTelemetry(): TelemetryHandle | undefined {
  return (globalThis as GlobalWithHandle)[KEY];
}
