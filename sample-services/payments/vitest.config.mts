// Vitest project for the payments service: supertest against createApp() with a seeded random
// source and no real waiting.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'payments',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
  },
});
