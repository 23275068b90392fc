// Vitest project for the inventory service: supertest against createApp() with the in-memory store,
// and the store contract against a real Redis (started by scripts/engines.sh).
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'inventory',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
  },
});
