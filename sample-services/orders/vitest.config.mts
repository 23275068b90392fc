// Vitest project for the orders service: checkout against the real catalog, inventory and payments apps,
// and the outbox against real PostgreSQL and RabbitMQ (scripts/engines.sh).
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'orders',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
  },
});
