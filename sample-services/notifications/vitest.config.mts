// Vitest project for the notifications service: the consumer against a real RabbitMQ
// (started by scripts/engines.sh).
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'notifications',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
  },
});
