// WhatsApp ids that reach a contact other than their own: merging two contacts that both wrote in keeps one, and
// the other's number must keep arriving there instead of opening a new contact. Runs inside withOrg (RLS-scoped).
import { and, eq, inArray, isNotNull, notExists, sql } from 'drizzle-orm';
import { contacts, contactWaAliases } from '../db/schema';
import type { Tx } from '../db/tx';

/**
 * At merge time: `waId` (the merged-away contact's, if any) now reaches `contactId`; aliases that led to
 * `mergedContactId` follow it, so a chain of merges still arrives at the survivor (they would go with the deleted
 * contact otherwise).
 */
export async function recordWaAlias(tx: Tx, orgId: string, waId: string | null, contactId: string, mergedContactId?: string): Promise<void> {
  if (mergedContactId) {
    await tx
      .update(contactWaAliases)
      .set({ contactId })
      .where(and(eq(contactWaAliases.organizationId, orgId), eq(contactWaAliases.contactId, mergedContactId)));
  }
  if (!waId) return;
  await tx
    .insert(contactWaAliases)
    .values({ organizationId: orgId, waId, contactId })
    .onConflictDoUpdate({ target: [contactWaAliases.organizationId, contactWaAliases.waId], set: { contactId } });
}

/**
 * The contacts these WhatsApp ids reach through an alias: only ids no contact has as its own (that contact wins).
 * A soft-deleted target is revived, as ingest revives a contact that writes in again.
 */
export async function contactsByAlias(tx: Tx, orgId: string, waIds: string[]): Promise<Map<string, string>> {
  if (waIds.length === 0) return new Map();
  const owned = tx
    .select({ one: sql`1` })
    .from(contacts)
    .where(and(eq(contacts.organizationId, orgId), eq(contacts.waId, contactWaAliases.waId)));
  const rows = await tx
    .select({ waId: contactWaAliases.waId, contactId: contactWaAliases.contactId })
    .from(contactWaAliases)
    .where(and(eq(contactWaAliases.organizationId, orgId), inArray(contactWaAliases.waId, waIds), notExists(owned)));
  if (rows.length === 0) return new Map();
  await tx
    .update(contacts)
    .set({ deletedAt: null, updatedAt: new Date() })
    .where(and(eq(contacts.organizationId, orgId), inArray(contacts.id, rows.map((r) => r.contactId)), isNotNull(contacts.deletedAt)));
  return new Map(rows.map((r) => [r.waId, r.contactId]));
}
