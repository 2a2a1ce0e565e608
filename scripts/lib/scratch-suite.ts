// A migrated scratch database for one test file (scratch.ts): made before its tests, dropped after them.
import { afterAll, beforeAll } from 'vitest';
import { nodeDb } from './db';
import { runMigrations } from './migrate';
import { scratchDatabase, type ScratchDatabase } from './scratch';

export function migratedScratch() {
  let scratch: ScratchDatabase | undefined;
  let conn: ReturnType<typeof nodeDb> | undefined;
  beforeAll(async () => {
    scratch = await scratchDatabase();
    await runMigrations(scratch.url, scratch.wsProxy);
    conn = nodeDb(scratch.url, scratch.wsProxy);
  });
  afterAll(async () => {
    await conn?.pool.end();
    await scratch?.drop();
  });
  return {
    get url() {
      return scratch!.url;
    },
    get db() {
      return conn!.db;
    },
    get pool() {
      return conn!.pool;
    },
  };
}
