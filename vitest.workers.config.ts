import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

// Worker, queue and Durable Object tests run inside workerd with the bindings from wrangler.toml. The database
// comes from scripts/test.ts (TEST_DATABASE_URL + DB_WS_PROXY), reached through the Neon driver as in production.
const devVars = parseEnv(readFileSync(fileURLToPath(new URL('./.dev.vars.example', import.meta.url)), 'utf8'));

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          ...devVars,
          APP_ENV: 'test',
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
          QUEUE_RETRY_BASE_SECONDS: '0',
          QUEUE_DB_WAIT_SECONDS: '0',
          DATABASE_URL: process.env.TEST_DATABASE_URL ?? '',
          DB_WS_PROXY: process.env.DB_WS_PROXY ?? '',
          META_GRAPH_BASE_URL: process.env.META_GRAPH_BASE_URL ?? devVars.META_GRAPH_BASE_URL ?? '',
          // Tests drive the fake Meta's control API (/_fake/…) through this.
          FAKE_META_URL: process.env.FAKE_META_URL ?? '',
          // The fake Evolution API (scripts/test.ts): the worker's Evolution server, and its control API for tests.
          EVOLUTION_API_URL: process.env.EVOLUTION_API_URL ?? '',
          FAKE_EVOLUTION_URL: process.env.FAKE_EVOLUTION_URL ?? '',
          // The local receiver of outgoing webhooks (scripts/lib/webhook-sink.ts).
          WEBHOOK_SINK_URL: process.env.WEBHOOK_SINK_URL ?? '',
        },
      },
    }),
  ],
  test: {
    name: 'workers',
    include: ['worker/**/*.test.ts', 'queues/**/*.test.ts', 'durable-objects/**/*.test.ts'],
    // Node-side tests of worker code (vitest.node.config.ts).
    exclude: ['**/node_modules/**', '**/*.node.test.ts'],
    testTimeout: 30_000,
  },
});
