// Applies migrations/ in order, each once (drizzle's journal in drizzle.__drizzle_migrations): safe to run on
// every start and twice in a row.
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/neon-serverless/migrator';
import { nodeDb } from './db';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export async function runMigrations(url: string, wsProxy?: string): Promise<void> {
  const { db, pool } = nodeDb(url, wsProxy);
  try {
    await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await pool.end();
  }
}
