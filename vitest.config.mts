// Root vitest config: one project per workspace that has tests.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'sample-services/*'],
    // One test file at a time: several files run whole stacks against the same PostgreSQL, Redis
    // and RabbitMQ, stop the broker, hang processes or burn CPU on purpose; run side by side on two
    // cores they would break each other's timing.
    fileParallelism: false,
  },
});
