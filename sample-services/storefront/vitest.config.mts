// Vitest project for the storefront: a real Chromium (Debian's, driven by playwright-core) against
// the native stack, the Collector and OTLP receivers standing in for Tempo and Loki.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'storefront',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
