/** @kit/service: the shared composition-root pieces of the kit's services. */
export { ConfigError, baseConfigShape, envFlag, loadConfig } from './config';
export { createServiceApp, exitOnStartFailure, startServer } from './server';
export type { RunningServer, ServerConfig, ServiceAppOptions, StartOptions } from './server';
export { DEFAULT_DEPENDENCY_SETTINGS, DependencyFailure, createDependency } from './dependency';
export type { Dependency, DependencySettings } from './dependency';
export { createHttpDependency } from './http-dependency';
export type { HttpDependency, HttpDependencyOptions, HttpRequest, HttpResponse } from './http-dependency';
export { createRuntimeConfig } from './runtime-config';
export type { ApplyResult, RuntimeConfig } from './runtime-config';
