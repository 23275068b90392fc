/** @kit/service: the shared composition-root pieces of the kit's services. */
export { ConfigError, baseConfigShape, chaosToken, envFlag, loadConfig, runtimeConfigShape, upstreamUrls } from './config';
export { createServiceApp, exitOnStartFailure, startServer } from './server';
export type { RunningServer, ServerConfig, ServiceAppOptions, ServiceChaos, StartOptions } from './server';
export { DEFAULT_DEPENDENCY_SETTINGS, HALF_OPEN_AFTER_GONE_MS, circuitStates, createDependency } from './dependency';
export { DependencyFailure, LocalCallError, answerFailure, callFailure, classifyError, classifyStatus, countsAgainstUpstream, isUpstreamKind } from './failure';
export type { FailureKind } from './failure';
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
export { addressPicker, createHttpDependency } from './http-dependency';
export type { AddressPicker, HttpDependency, HttpDependencyOptions, HttpRequest, HttpResponse } from './http-dependency';
export { createRuntimeConfig } from './runtime-config';
export type { ApplyResult, RuntimeConfig } from './runtime-config';
export { FAULT_TYPES, createChaos, faultTypesJsonSchema, currentChaos, databaseDelay, faultSchema, serviceChaos, setProcessChaos, withDatabaseChaos } from './chaos';
export type { ActiveFault, Chaos, ChaosOptions, FaultSpec, FaultType, RequestEffect } from './chaos';
export { chaosMiddleware, chaosRouter } from './chaos-http';
export { bearerMatches, sameSecret } from './secret';
export { DEFAULT_LOAD_LIMITS, createLoadGuard } from './load';
export { BodyLimitError, DEFAULT_JSON_LIMITS, checkJsonShape, jsonBody } from './json-body';
export type { JsonBodyLimits } from './json-body';
export type { LoadGuard, LoadLimits } from './load';
