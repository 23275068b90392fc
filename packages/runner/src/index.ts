/** @kit/runner: the native stack for tests, benchmarks and `npm run dev`. */
export { MODE_PROCESSES, REPLICABLE, SERVICES, replicaNames, replicaPort, restartDelayMs, servicePort, startStack } from './stack';
export type { InstanceName, ProcessName, ReplicableService, RestartRecord, RunningStack, ServiceName, StackMode, StackOptions, StackUrls } from './stack';
export { attribute, startOtlpReceiver } from './otlp-receiver';
export type { OtlpAttribute, OtlpReceiver, ReceivedLog, ReceivedRequest, ReceivedSpan } from './otlp-receiver';
export { loadScenarios, runScenario, scenarioSchema } from './gameday';
export type { CheckResult, GamedayOptions, Scenario } from './gameday';
