/** @kit/service: the shared composition-root pieces of the kit's services. */
export { ConfigError, baseConfigShape, envFlag, loadConfig } from './config';
export { exitOnStartFailure, startServer } from './server';
export type { RunningServer, StartOptions } from './server';
