// An embedded Postgres (PGlite, WASM) served over the Postgres wire protocol, so nothing needs installing.
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** `dataDir` keeps data on disk (dev); without it the database lives in memory (tests). */
export async function startEmbeddedPostgres(opts: { dataDir?: string; port?: number } = {}): Promise<EmbeddedPostgres> {
  const db = await PGlite.create({ dataDir: opts.dataDir, extensions: { pg_trgm, unaccent } });
  const host = '127.0.0.1';
  // The default allows a single connection; the worker, migrations and tests each hold their own.
  const server = new PGLiteSocketServer({ db, host, port: opts.port ?? 0, maxConnections: 100 });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  return {
    url: `postgres://postgres:postgres@${host}:${port}/postgres`,
    host,
    port,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
