// Vitest project for the monolith: the composed app with in-memory stores, the in-process adapter,
// module-scoped chaos, the module configuration and the consumer supervisor.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'monolith',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
  },
});
