/** @kit/stack: the compose stack's configs, run and checked without Docker. */
export { REPO_ROOT, repoPath } from './paths';
export { startEngine } from './process';
export type { EngineProcess, EngineSpec } from './process';
export { COLLECTOR_PORTS, collectorBinary, startCollector } from './collector';
export type { CollectorOptions } from './collector';
export { loopbackTargets, nativePrometheusConfig, startAlertmanager, startPrometheus } from './prometheus';
export type { DerivedConfig, NativeTargets, RunningPrometheus } from './prometheus';
export { footprintTable, interpolatedVariables, loadCompose, memoryBytes, readEnvFile } from './compose';
export type { ComposeProject, ComposeService } from './compose';
export { goTool } from './go-tool';
