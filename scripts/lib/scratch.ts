// A brand-new empty database for a test: a new database on the installed server, or a new embedded instance.
import { randomBytes } from 'node:crypto';
import { createDatabase, dropDatabase } from './db';
import { startEmbeddedPostgres } from './embedded-pg';
import { startWsProxy } from './ws-proxy';

export interface ScratchDatabase {
  url: string;
  wsProxy: string;
  drop(): Promise<void>;
}

export async function scratchDatabase(): Promise<ScratchDatabase> {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL;
  const sharedProxy = process.env.DB_WS_PROXY;
  if (process.env.TEST_DB_KIND === 'postgres' && adminUrl && sharedProxy) {
    const name = `conversa_scratch_${randomBytes(4).toString('hex')}`;
    const url = await createDatabase(adminUrl, name, sharedProxy);
    return { url, wsProxy: sharedProxy, drop: () => dropDatabase(adminUrl, name, sharedProxy) };
  }
  const pg = await startEmbeddedPostgres();
  const proxy = await startWsProxy({ serialize: true });
  return {
    url: pg.url,
    wsProxy: proxy.address,
    async drop() {
      await proxy.close();
      await pg.close();
    },
  };
}

/** The shared, already-migrated test database that scripts/test.ts prepared. */
export function testDatabase(): { url: string; wsProxy: string } {
  const url = process.env.TEST_DATABASE_URL;
  const wsProxy = process.env.DB_WS_PROXY;
  if (!url || !wsProxy) throw new Error('Run the tests with `npm test`: it prepares TEST_DATABASE_URL and DB_WS_PROXY');
  return { url, wsProxy };
}
