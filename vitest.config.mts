// Root vitest config: one project per workspace that has tests.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'sample-services/*'],
  },
});
