/** @kit/service: the shared composition-root pieces of the kit's services. */
export { ConfigError, baseConfigShape, chaosToken, envFlag, loadConfig, runtimeConfigShape } from './config';
export { createServiceApp, exitOnStartFailure, startServer } from './server';
export type { RunningServer, ServerConfig, ServiceAppOptions, ServiceChaos, StartOptions } from './server';
export { DEFAULT_DEPENDENCY_SETTINGS, DependencyFailure, circuitStates, createDependency } from './dependency';
export type { Dependency, DependencySettings, DependencySettingsSource, ExecuteOptions } from './dependency';
export {
  DEADLINE_EXCEEDED_CODE,
  DEFAULT_MAX_DEADLINE_MS,
  DeadlineExceededError,
  HEADER_DEADLINE_MS,
  currentDeadline,
  deadlineMiddleware,
  isDeadlineAnswer,
  parseDeadlineHeader,
  remainingMs,
  withDeadline,
  withoutDeadline,
} from './deadline';
export type { Deadline, DeadlineMiddlewareOptions } from './deadline';
export { RETRY_BUDGET_WINDOW_MS, createRetryBudget } from './retry-budget';
export type { RetryBudget, RetryBudgetLimits } from './retry-budget';
export { createHttpDependency } from './http-dependency';
export type { HttpDependency, HttpDependencyOptions, HttpRequest, HttpResponse } from './http-dependency';
export { createRuntimeConfig } from './runtime-config';
export type { ApplyResult, RuntimeConfig } from './runtime-config';
export { FAULT_TYPES, createChaos, faultTypesJsonSchema, currentChaos, databaseDelay, faultSchema, serviceChaos, setProcessChaos, withDatabaseChaos } from './chaos';
export type { ActiveFault, Chaos, ChaosOptions, FaultSpec, FaultType, RequestEffect } from './chaos';
export { chaosMiddleware, chaosRouter } from './chaos-http';
export { bearerMatches, sameSecret } from './secret';
export { DEFAULT_LOAD_LIMITS, createLoadGuard } from './load';
export type { LoadGuard, LoadLimits } from './load';
