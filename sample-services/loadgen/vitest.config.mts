// Vitest project for the loadgen service: journeys against a stand-in gateway, rate
// changes over HTTP.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'loadgen',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
  },
});
