// Vitest project for @kit/telemetry. Each test file runs in its own process (forks), so the
// OpenTelemetry globals one file registers never leak into another.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'telemetry',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
  },
});
