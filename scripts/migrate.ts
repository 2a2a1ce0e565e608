// `npm run db:migrate`: applies migrations/ to DATABASE_URL (Neon, or a local Postgres), each once.
import { runMigrations } from './lib/migrate';
import { withScriptDb } from './lib/script-db';

withScriptDb(async (url, wsProxy) => {
  await runMigrations(url, wsProxy);
  console.log(`[migrate] ${new URL(url).host}${new URL(url).pathname}: up to date`);
}).catch((err) => {
  console.error(`[migrate] failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
