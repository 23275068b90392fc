// Vitest project for the gateway service: supertest against the gateway in front of the real
// catalog, orders, inventory and payments apps.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'gateway',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
  },
});
