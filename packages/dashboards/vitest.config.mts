// Vitest project for the dashboards: generated JSON equals the committed files, is import-safe, and
// every query parses with the official PromQL, LogQL and TraceQL grammars.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'dashboards',
    include: ['test/**/*.test.ts'],
  },
});
