import { defineConfig } from 'vitest/config';

// Node-side tests: the local database tooling (proxy, migrations, embedded Postgres) against a real server.
export default defineConfig({
  test: {
    name: 'node',
    include: ['scripts/**/*.test.ts', 'fake-meta/**/*.test.ts', 'fake-evolution/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
