// Vitest project for the catalog service: supertest against createApp() with the in-memory store,
// and the store contract against a real PostgreSQL (started by scripts/engines.sh).
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'catalog',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
  },
});
