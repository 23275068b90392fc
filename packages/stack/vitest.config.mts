// Vitest project for the compose stack's configs: static checks of every config file, and the
// pipeline test that runs the built Collector with our config and real Prometheus + Alertmanager
// in front of the native services.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'stack',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    // the first run builds the Collector when scripts/test.sh has not already done it
    hookTimeout: 600_000,
  },
});
