/** @kit/runner: the native stack for tests, benchmarks and `npm run dev`. */
export { SERVICES, startStack } from './stack';
export type { RunningStack, ServiceName, StackOptions } from './stack';
export { startOtlpReceiver } from './otlp-receiver';
export type { OtlpReceiver, ReceivedLog, ReceivedSpan } from './otlp-receiver';
