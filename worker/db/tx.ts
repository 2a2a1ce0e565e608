// The two ways into the database. Tenant work runs as the non-owner role `app_user` with `app.org_id` set for the
// transaction, so Postgres row-level security backs up every organization_id filter the queries also carry.
// System work (auth, webhook routing, cron) runs as the owner and is not tenant-scoped: keep it small.
import { sql } from 'drizzle-orm';
import type { Db } from './client';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export async function withOrg<T>(db: Db, orgId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.org_id', ${orgId}, true), set_config('role', 'app_user', true)`);
    return fn(tx);
  });
}

export async function asSystem<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(fn);
}
