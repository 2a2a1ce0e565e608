// Each organisation's data keys (issue 21 §4): get-or-create the active key, resolve a stored value's key id, rotate,
// re-wrap under a new master key, destroy (crypto-shredding). Unwrapped keys are cached per isolate (bounded, and for
// CACHE_TTL_MS) so ingest and reads do not pay a query and an unwrap per message; the time bound is how long another
// isolate may still write with a rotated key or read with a destroyed one.
import { and, count, desc, eq, isNotNull, isNull, ne } from 'drizzle-orm';
import type { Db } from '../db/client';
import { organizationKeys } from '../db/schema';
import { asSystem, withOrg, type Tx } from '../db/tx';
import { masterKeys, newDataKey, rewrapDataKey, unwrapDataKey, type DataKey } from '../lib/envelope';

/** What a read returns in place of content whose key was destroyed. */
export const SHREDDED_PLACEHOLDER = '[conteúdo indisponível: chave de criptografia destruída]';

const CACHE_LIMIT = 500;
export const CACHE_TTL_MS = 60_000;
interface Cached<V> {
  value: V;
  until: number;
}
const keyCache = new Map<string, Cached<CryptoKey | null>>();
const activeCache = new Map<string, Cached<DataKey>>();

function remember<V>(cache: Map<string, Cached<V>>, k: string, v: V) {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(k, { value: v, until: Date.now() + CACHE_TTL_MS });
}

function recall<V>(cache: Map<string, Cached<V>>, k: string): Cached<V> | undefined {
  const hit = cache.get(k);
  if (hit && hit.until > Date.now()) return hit;
  if (hit) cache.delete(k);
  return undefined;
}

/** Forgets cached keys (after rotation or destruction in this isolate; other isolates age out by the bound). */
export function forgetOrganizationKeys(orgId: string) {
  activeCache.delete(orgId);
  for (const k of [...keyCache.keys()]) if (k.startsWith(`${orgId}/`)) keyCache.delete(k);
}

/** The key new writes of this organisation are encrypted with; created on first use. */
export async function activeDataKey(db: Db, secret: string, orgId: string): Promise<DataKey> {
  const cached = recall(activeCache, orgId);
  if (cached) return cached.value;
  const masters = await masterKeys(secret);
  const key = await withOrg(db, orgId, async (tx) => {
    const [row] = await tx
      .select()
      .from(organizationKeys)
      .where(and(eq(organizationKeys.organizationId, orgId), isNull(organizationKeys.retiredAt), isNull(organizationKeys.destroyedAt)));
    if (row) return { id: row.keyId, key: await unwrapDataKey(masters, row.wrappedKey!, row.masterKeyId!) };
    const made = await newDataKey(masters);
    const id = crypto.randomUUID().slice(0, 8);
    // A concurrent first write may have created it: the unique active index keeps one, and we read that one back.
    const inserted = await tx
      .insert(organizationKeys)
      .values({ organizationId: orgId, keyId: id, wrappedKey: made.wrapped, masterKeyId: made.masterKeyId })
      .onConflictDoNothing()
      .returning({ keyId: organizationKeys.keyId });
    if (inserted.length) return { id, key: made.key };
    const [winner] = await tx
      .select()
      .from(organizationKeys)
      .where(and(eq(organizationKeys.organizationId, orgId), isNull(organizationKeys.retiredAt), isNull(organizationKeys.destroyedAt)));
    return { id: winner!.keyId, key: await unwrapDataKey(masters, winner!.wrappedKey!, winner!.masterKeyId!) };
  });
  remember(activeCache, orgId, key);
  remember(keyCache, `${orgId}/${key.id}`, key.key);
  return key;
}

/** Resolves a stored value's key id to its key, or null when destroyed (reads then show the placeholder). */
export function keyResolver(db: Db, secret: string, orgId: string): (keyId: string) => Promise<CryptoKey | null> {
  return async (keyId) => {
    const k = `${orgId}/${keyId}`;
    const cached = recall(keyCache, k);
    if (cached) return cached.value;
    const [row] = await withOrg(db, orgId, (tx) =>
      tx.select().from(organizationKeys).where(and(eq(organizationKeys.organizationId, orgId), eq(organizationKeys.keyId, keyId))),
    );
    const key = row?.wrappedKey ? await unwrapDataKey(await masterKeys(secret), row.wrappedKey, row.masterKeyId!) : null;
    remember(keyCache, k, key);
    return key;
  };
}

/** Per-organisation key rotation: the active key is retired (still decrypts); the next write creates a new one. */
export async function rotateDataKey(db: Db, orgId: string): Promise<string[]> {
  const rows = await withOrg(db, orgId, (tx) =>
    tx
      .update(organizationKeys)
      .set({ retiredAt: new Date() })
      .where(and(eq(organizationKeys.organizationId, orgId), isNull(organizationKeys.retiredAt), isNull(organizationKeys.destroyedAt)))
      .returning({ keyId: organizationKeys.keyId }),
  );
  forgetOrganizationKeys(orgId);
  return rows.map((r) => r.keyId);
}

/** Crypto-shredding: every data key of the organisation is destroyed; what they encrypted can no longer be read. */
export async function destroyDataKeys(db: Db, orgId: string): Promise<number> {
  const destroyed = await withOrg(db, orgId, (tx) => destroyDataKeysIn(tx, orgId));
  forgetOrganizationKeys(orgId);
  return destroyed;
}

/** destroyDataKeys inside the caller's tenant transaction (call forgetOrganizationKeys once it committed). */
export async function destroyDataKeysIn(tx: Tx, orgId: string): Promise<number> {
  const rows = await tx
    .update(organizationKeys)
    .set({ wrappedKey: null, masterKeyId: null, destroyedAt: new Date() })
    .where(and(eq(organizationKeys.organizationId, orgId), isNull(organizationKeys.destroyedAt)))
    .returning({ keyId: organizationKeys.keyId });
  return rows.length;
}

/** The organisation's data keys, newest first, without key material. */
export function listDataKeys(db: Db, orgId: string) {
  return withOrg(db, orgId, (tx) =>
    tx
      .select({
        keyId: organizationKeys.keyId,
        masterKeyId: organizationKeys.masterKeyId,
        createdAt: organizationKeys.createdAt,
        retiredAt: organizationKeys.retiredAt,
        destroyedAt: organizationKeys.destroyedAt,
      })
      .from(organizationKeys)
      .where(eq(organizationKeys.organizationId, orgId))
      .orderBy(desc(organizationKeys.createdAt), desc(organizationKeys.keyId)),
  );
}

/** How many live (not destroyed) data keys each master key wraps: an old master key may go once it wraps none. */
export async function dataKeysPerMasterKey(db: Db): Promise<Record<string, number>> {
  const rows = await asSystem(db, (tx) =>
    tx
      .select({ masterKeyId: organizationKeys.masterKeyId, n: count() })
      .from(organizationKeys)
      .where(isNotNull(organizationKeys.wrappedKey))
      .groupBy(organizationKeys.masterKeyId),
  );
  return Object.fromEntries(rows.map((r) => [r.masterKeyId!, r.n]));
}

/** Master key rotation: re-wraps every data key not yet under the current master key (the data is untouched). */
export async function rewrapAllDataKeys(db: Db, secret: string): Promise<{ rewrapped: number; failed: string[] }> {
  const masters = await masterKeys(secret);
  const current = masters[0]!.id;
  const rows = await asSystem(db, (tx) =>
    tx.select().from(organizationKeys).where(and(isNotNull(organizationKeys.wrappedKey), ne(organizationKeys.masterKeyId, current))),
  );
  const result = { rewrapped: 0, failed: [] as string[] };
  for (const row of rows) {
    try {
      const next = await rewrapDataKey(masters, row.wrappedKey!, row.masterKeyId!);
      await asSystem(db, (tx) =>
        tx
          .update(organizationKeys)
          .set({ wrappedKey: next.wrapped, masterKeyId: next.masterKeyId })
          .where(and(eq(organizationKeys.organizationId, row.organizationId), eq(organizationKeys.keyId, row.keyId), eq(organizationKeys.wrappedKey, row.wrappedKey!))),
      );
      result.rewrapped++;
    } catch {
      result.failed.push(`${row.organizationId}/${row.keyId}`);
    }
  }
  return result;
}
