// Shared helpers for tests that run inside workerd against the real test database.
import { env } from 'cloudflare:test';
import { createDb } from '../worker/db/client';
import { organizations } from '../worker/db/schema';

export function testDb() {
  return createDb({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
}

/** A fresh organisation per call, so tests never see each other's rows. */
export async function createOrg(db: ReturnType<typeof testDb>['db'], name = 'Org') {
  const slug = `${name.toLowerCase().replace(/\W+/g, '-')}-${crypto.randomUUID().slice(0, 8)}`;
  const [org] = await db.insert(organizations).values({ name, slug }).returning();
  return org!;
}
