// Vitest project for @kit/service: config loading and the server start/stop sequence.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'service',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
  },
});
