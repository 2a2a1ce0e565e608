// The two ways into the database. Tenant work runs as the non-owner role `app_user` with `app.org_id` set for the
// transaction, so Postgres row-level security backs up every organization_id filter the queries also carry.
// System work (auth, webhook routing, cron) runs as the owner and is not tenant-scoped: keep it small.
import type { Pool, PoolClient, QueryResult } from '@neondatabase/serverless';
import type { SQL } from 'drizzle-orm';
import type { PgDialect, PgSession } from 'drizzle-orm/pg-core';
import { NeonSession, NeonTransaction } from 'drizzle-orm/neon-serverless';
import type { Db } from './client';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What drizzle's NeonSession keeps of the pool (drizzle-orm 0.45, pinned): used to open a session on one client. */
interface SessionParts {
  client: Pool;
  dialect: ConstructorParameters<typeof NeonSession>[1];
  schema: ConstructorParameters<typeof NeonSession>[2];
  options: ConstructorParameters<typeof NeonSession>[3];
}

/**
 * A tenant transaction whose BEGIN and tenant settings travel in one round trip (a simple-protocol query of two
 * statements) — drizzle's transaction() would spend one on `begin` and another on `set_config`, and with Neon a round
 * trip is most of a short transaction's cost (issue 18). The protocol takes no parameters with more than one statement,
 * so the organisation id is the one literal in our SQL: it must be a UUID, checked here, before it gets near the text.
 * Inside, `tx` is drizzle's own transaction object (savepoints for nested transaction() as before).
 * `read`: a constant query (no parameters, no values in its text) run as the tenant in that same first round trip;
 * its rows are `fn`'s second argument (the ingest reads the organisation's channels there, queues/ingest/routes.ts).
 */
export async function withOrg<T>(db: Db, orgId: string, fn: (tx: Tx, read: Record<string, unknown>[]) => Promise<T>, options: { read?: string } = {}): Promise<T> {
  if (!UUID.test(orgId)) throw new TypeError('withOrg: the organisation id is not a UUID');
  const parts = (db as unknown as { session: SessionParts }).session;
  const client: PoolClient = await parts.client.connect();
  const session = new NeonSession(client, parts.dialect, parts.schema, parts.options);
  const tx = new NeonTransaction(parts.dialect, session, parts.schema) as unknown as Tx;
  // A failed BEGIN, COMMIT or ROLLBACK may leave the connection mid-transaction: it is then closed, not pooled again.
  let broken: Error | undefined;
  const control = (text: string) =>
    client.query(text).catch((err: Error) => {
      broken ??= err;
      throw err;
    });
  try {
    const begun = await control(`begin; select set_config('app.org_id', '${orgId.toLowerCase()}', true), set_config('role', 'app_user', true)${options.read ? `; ${options.read}` : ''}`);
    const read = options.read ? ((begun as unknown as QueryResult[])[2]?.rows ?? []) : [];
    let result: T;
    try {
      result = await fn(tx, read);
    } catch (err) {
      await control('rollback').catch(() => {});
      throw err;
    }
    await control('commit');
    return result;
  } finally {
    client.release(broken);
  }
}

/**
 * Opens up to `n` more connections of the pool at once and leaves them idle in it, so transactions about to start
 * find them ready instead of each paying its own connection set-up after the query before them (with Neon a
 * connection costs a round trip or two; opened in parallel with a query, they cost nothing on the critical path).
 * Never throws: a connection that fails to open is the next query's error to report.
 */
export async function openConnections(db: Db, n: number): Promise<void> {
  if (n <= 0) return;
  const pool = (db as unknown as { session: SessionParts }).session.client;
  const clients = await Promise.all(Array.from({ length: n }, () => pool.connect().catch(() => null)));
  for (const c of clients) c?.release();
}

/**
 * Runs a statement as a *named* prepared statement, so that a server session which has run it before reuses its plan
 * (after five runs Postgres keeps a generic plan). The ingest's one-statement writes are planned in ~5 ms, as long as
 * they run (issue 18); a Worker's connections are new every invocation, but Neon's pooled endpoint (PgBouncer with
 * prepared statement support) and Hyperdrive hand them warm server sessions that keep their prepared statements.
 * Only for statements whose text is one of a few fixed variants (values as parameters): the name is the text's hash.
 */
export function executePrepared<T extends Record<string, unknown>>(tx: Tx, query: SQL): Promise<QueryResult<T>> {
  const parts = tx as unknown as { session: PgSession; dialect: PgDialect };
  const q = parts.dialect.sqlToQuery(query);
  return parts.session.prepareQuery(q, undefined, statementName(q.sql), false).execute() as Promise<QueryResult<T>>;
}

const names = new Map<string, string>();

/** A stable name per statement text (FNV-1a, 32 bits, with the length): the same text gets the same name everywhere. */
function statementName(text: string): string {
  let name = names.get(text);
  if (name) return name;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  name = `conversa_${(h >>> 0).toString(16)}_${text.length}`;
  if (names.size > 100) names.clear();
  names.set(text, name);
  return name;
}

export async function asSystem<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(fn);
}
