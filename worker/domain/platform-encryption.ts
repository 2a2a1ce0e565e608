// Operating an organisation's content encryption from the platform side (issue 21 §4): what its keys are and what is
// still plaintext, data key rotation, and crypto-shredding. Super admins only (checked by the route); every use is
// audited in the organisation's own trail, so its admins see what platform staff did to their keys.
import { and, count, eq, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit, type AuditAction } from '../audit/record';
import type { Db } from '../db/client';
import { contactNotes, conversations, messages, organizations } from '../db/schema';
import { withOrg, type Tx } from '../db/tx';
import { badRequest, conflict } from '../errors';
import { masterKeys } from '../lib/envelope';
import type { OrganizationEncryption, ShredResult } from '../schemas/encryption';
import { activeDataKey, destroyDataKeysIn, forgetOrganizationKeys, listDataKeys, rotateDataKey } from './organization-keys';

/** A stored text value that is not ciphertext (empty strings carry nothing worth sealing). */
export const isPlaintext = (col: AnyPgColumn): SQL => sql`(${col} is not null and ${col} <> '' and ${col} not like 'enc:v1:%')`;

/** Rows whose message body, note or conversation preview is still plaintext. */
export async function plaintextCounts(tx: Tx, orgId: string) {
  const [[m], [n], [p]] = await Promise.all([
    tx.select({ n: count() }).from(messages).where(and(eq(messages.organizationId, orgId), isPlaintext(messages.body))),
    tx.select({ n: count() }).from(contactNotes).where(and(eq(contactNotes.organizationId, orgId), isPlaintext(contactNotes.body))),
    tx.select({ n: count() }).from(conversations).where(and(eq(conversations.organizationId, orgId), isPlaintext(conversations.lastMessagePreview))),
  ]);
  return { messageBodies: m?.n ?? 0, notes: n?.n ?? 0, previews: p?.n ?? 0 };
}

async function findOrganization(db: Db, orgId: string) {
  const [org] = await db.select({ id: organizations.id, slug: organizations.slug }).from(organizations).where(eq(organizations.id, orgId));
  return org ?? null;
}

const audit = (db: Db | Tx, actor: Actor, orgId: string, action: AuditAction, metadata: Record<string, unknown>) =>
  recordAudit(db, { ...byActor(actor), actorType: 'super_admin', organizationId: orgId, action, targetType: 'organization', targetId: orgId, metadata });

/** The organisation's encryption: configuration, keys, plaintext left. Null for an unknown organisation. */
export async function organizationEncryption(db: Db, secret: string | undefined, actor: Actor, orgId: string): Promise<OrganizationEncryption | null> {
  if (!(await findOrganization(db, orgId))) return null;
  const [keys, plaintext] = await Promise.all([listDataKeys(db, orgId), withOrg(db, orgId, (tx) => plaintextCounts(tx, orgId))]);
  await audit(db, actor, orgId, 'encryption.viewed', {});
  return {
    organizationId: orgId,
    configured: !!secret,
    currentMasterKeyId: secret ? (await masterKeys(secret))[0]!.id : null,
    activeKeyId: keys.find((k) => !k.retiredAt && !k.destroyedAt)?.keyId ?? null,
    keys: keys.map((k) => ({
      keyId: k.keyId,
      masterKeyId: k.masterKeyId,
      createdAt: k.createdAt.toISOString(),
      retiredAt: k.retiredAt?.toISOString() ?? null,
      destroyedAt: k.destroyedAt?.toISOString() ?? null,
    })),
    plaintext,
  };
}

/** Retires the active data key and makes the next one now (old ciphertext still opens). Null for an unknown organisation. */
export async function rotateOrganizationKey(db: Db, secret: string | undefined, actor: Actor, orgId: string) {
  if (!(await findOrganization(db, orgId))) return null;
  if (!secret) throw conflict('ENCRYPTION_MASTER_KEYS is not configured: there is no key to rotate', 'encryption_not_configured');
  const retiredKeyIds = await rotateDataKey(db, orgId);
  const active = await activeDataKey(db, secret, orgId);
  await audit(db, actor, orgId, 'encryption.key_rotated', { retiredKeyIds, activeKeyId: active.id });
  return { organizationId: orgId, retiredKeyIds, activeKeyId: active.id };
}

/**
 * Crypto-shredding: destroys every data key of the organisation, and clears what would otherwise survive in
 * plaintext-derived form — every message's search document and every conversation preview. Legacy plaintext that no
 * key protected is counted in the answer, not touched. `confirm` must be the organisation's slug or id.
 */
export async function shredOrganization(db: Db, actor: Actor, orgId: string, confirm: string): Promise<ShredResult | null> {
  const org = await findOrganization(db, orgId);
  if (!org) return null;
  if (confirm !== org.slug && confirm.toLowerCase() !== org.id) {
    throw badRequest('Type the organisation’s slug or id in "confirm" to shred its keys', 'confirmation_mismatch');
  }
  const result = await withOrg(db, orgId, async (tx) => {
    const keysDestroyed = await destroyDataKeysIn(tx, orgId);
    // Plain SQL: clearing derived copies is not an edit, so updated_at stays; the body trigger does not fire.
    const cleared = await tx.execute(sql`update messages set search_vector = null where organization_id = ${orgId} and search_vector is not null`);
    const previews = await tx.execute(
      sql`update conversations set last_message_preview = null where organization_id = ${orgId} and last_message_preview is not null`,
    );
    const shredded: ShredResult = {
      organizationId: orgId,
      keysDestroyed,
      searchDocumentsCleared: cleared.rowCount ?? 0,
      previewsCleared: previews.rowCount ?? 0,
      plaintextRemaining: await plaintextCounts(tx, orgId),
    };
    await audit(tx, actor, orgId, 'encryption.shredded', { ...shredded });
    return shredded;
  });
  forgetOrganizationKeys(orgId);
  return result;
}
