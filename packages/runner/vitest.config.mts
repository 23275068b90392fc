// Vitest project for the native stack: end-to-end tests against every service running as a process
// with the telemetry preload, the real PostgreSQL, Redis and RabbitMQ, and an OTLP receiver.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
