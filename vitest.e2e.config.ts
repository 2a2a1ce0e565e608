import { defineConfig } from 'vitest/config';

// Browser tests (web/e2e): each file starts the whole product (scripts/lib/stack.ts) on free ports with an in-memory
// database and drives Debian's Chromium through playwright-core. Files run in parallel, each with its own stack.
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['web/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 240_000,
    // expect.poll gives up after 1 s by default: too short for a busy 2-core CI machine running a whole stack.
    expect: { poll: { timeout: 15_000 } },
    fileParallelism: true,
    // One stack at a time: each is wrangler + workerd + Vite + Postgres, and CI has 2 cores.
    maxWorkers: 1,
    // Each test builds on the previous one's state (one login, one stack per file).
    sequence: { concurrent: false },
  },
});
