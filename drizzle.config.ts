import { defineConfig } from 'drizzle-kit';

// Only `generate` is used: migrations are applied by scripts/migrate.ts through the same driver as the worker.
export default defineConfig({
  dialect: 'postgresql',
  schema: './worker/db/schema/index.ts',
  out: './migrations',
});
