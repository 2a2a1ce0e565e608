// API keys: created and revoked by admins (worker/routes/api-keys.ts), looked up by hash on every keyed request
// (worker/middleware/auth.ts). Management runs inside withOrg; the lookup runs as system (the organisation is what
// the key tells us).
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { generateApiKey, hashApiKey } from '../auth/api-key-format';
import { byActor, recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { apiKeys, users } from '../db/schema';
import type { Tx } from '../db/tx';
import type { CreateApiKeyBody } from '../schemas/api-keys';

const listColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  createdAt: apiKeys.createdAt,
  expiresAt: apiKeys.expiresAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

/** Stores the key's hash and returns the key itself: the only time it is ever seen. */
export async function createApiKey(tx: Tx, actor: Actor, body: CreateApiKeyBody) {
  const { key, prefix } = generateApiKey();
  const [row] = await tx
    .insert(apiKeys)
    .values({ organizationId: actor.orgId, name: body.name, prefix, keyHash: await hashApiKey(key), scopes: body.scopes, createdBy: actor.userId, expiresAt: body.expiresAt ?? null })
    .returning(listColumns);
  await recordAudit(tx, { action: 'api_key.created', ...byActor(actor), targetType: 'api_key', targetId: row!.id, metadata: { name: body.name, scopes: body.scopes } });
  return { ...row!, key };
}

export async function listApiKeys(tx: Tx, orgId: string) {
  const rows = await tx
    .select({ ...listColumns, createdBy: { id: users.id, name: users.name } })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(eq(apiKeys.organizationId, orgId))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map((r) => ({ ...r, createdBy: r.createdBy?.id ? r.createdBy : null }));
}

/** Revokes a live key; false when there is no such key in the organisation (already revoked counts as found). */
export async function revokeApiKey(tx: Tx, actor: Actor, id: string): Promise<boolean> {
  const [row] = await tx
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(and(eq(apiKeys.organizationId, actor.orgId), eq(apiKeys.id, id)))
    .returning({ name: apiKeys.name });
  if (row) await recordAudit(tx, { action: 'api_key.revoked', ...byActor(actor), targetType: 'api_key', targetId: id, metadata: { name: row.name } });
  return Boolean(row);
}

/** The key a bearer token hashes to, whatever its state (the caller tells revoked and expired apart). */
export async function findApiKeyByHash(db: Db, keyHash: string) {
  const [row] = await db
    .select({ id: apiKeys.id, organizationId: apiKeys.organizationId, scopes: apiKeys.scopes, createdBy: apiKeys.createdBy, expiresAt: apiKeys.expiresAt, revokedAt: apiKeys.revokedAt, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, keyHash))
    .limit(1);
  return row ?? null;
}

export const LAST_USED_RESOLUTION_MS = 60_000;

/** Records use at most once a minute: a busy key costs one small write a minute, not one per request. */
export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`))));
}
