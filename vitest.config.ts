import { defineConfig } from 'vitest/config';

// `npm test` (scripts/test.ts) starts the database and proxy, then runs both projects.
export default defineConfig({
  test: {
    projects: ['./vitest.node.config.ts', './vitest.workers.config.ts'],
  },
});
