import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Node-side tests: the local database tooling (proxy, migrations, embedded Postgres) against a real server, and the
// worker's OpenAPI document (its app imported on Node: the two workerd-only imports are stubbed).
export default defineConfig({
  resolve: {
    alias: [
      { find: 'cloudflare:workers', replacement: here('./test/node-stubs/cloudflare-workers.ts') },
      { find: /^.*@scalar\/api-reference\/dist\/browser\/standalone\.js$/, replacement: here('./test/node-stubs/text-module.ts') },
    ],
  },
  test: {
    name: 'node',
    include: ['scripts/**/*.test.ts', 'fake-meta/**/*.test.ts', 'fake-evolution/**/*.test.ts', 'worker/**/*.node.test.ts', 'bench/**/*.node.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
