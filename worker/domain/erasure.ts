// Deleting personal data for good: a contact erased on request (LGPD art. 18, VI) and the conversations the
// retention job purges share these pieces. Rows go inside the caller's transaction; R2 objects only after it
// commits, so a failure there leaves an orphan object, never a row pointing at nothing or a half-erased contact.
import { and, count, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { contacts, conversations, deals, messages } from '../db/schema';
import type { Tx } from '../db/tx';
import { conflict } from '../errors';
import { findDeal, type DealCard } from './deals';

/** R2 deletes take at most this many keys per call. */
const R2_DELETE_MAX = 1000;

/** The R2 keys of the media of these conversations' messages (soft-deleted ones included). */
export async function mediaKeysOf(tx: Tx, orgId: string, conversationIds: string[]): Promise<string[]> {
  if (conversationIds.length === 0) return [];
  const rows = await tx
    .select({ key: messages.mediaKey })
    .from(messages)
    .where(and(eq(messages.organizationId, orgId), inArray(messages.conversationId, conversationIds), isNotNull(messages.mediaKey)));
  return rows.map((r) => r.key!).filter(Boolean);
}

/** Deletes the objects in batches R2 accepts; throws on the first failed batch (the caller decides what that means). */
// The bucket's one method used, typed structurally so the web app can import this module's types.
export async function deleteMediaObjects(bucket: { delete(keys: string[]): Promise<void> }, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += R2_DELETE_MAX) await bucket.delete(keys.slice(i, i + R2_DELETE_MAX));
}

export interface Erasure {
  conversationIds: string[];
  counts: { conversations: number; messages: number; media: number };
  mediaKeys: string[];
  /** The contact's deals as they are now (no contact), for the boards showing its name. */
  deals: DealCard[];
}

/**
 * Deletes a contact with its conversations, messages, reactions, notes and label links (ON DELETE CASCADE from
 * the contact), and returns the media keys to delete after commit. Deals stay, their contact set to null by the
 * foreign key. A conversation under legal hold refuses the whole erasure (409) before anything is deleted.
 * Undefined when the organisation has no such contact.
 */
export async function eraseContact(tx: Tx, orgId: string, contactId: string): Promise<Erasure | undefined> {
  // Locked, so a message arriving meanwhile waits and then creates a new contact instead of landing on this one.
  const [contact] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.organizationId, orgId), eq(contacts.id, contactId)))
    .for('update');
  if (!contact) return undefined;
  const convs = await tx
    .select({ id: conversations.id, legalHold: conversations.legalHold })
    .from(conversations)
    .where(and(eq(conversations.organizationId, orgId), eq(conversations.contactId, contactId)));
  if (convs.some((c) => c.legalHold)) {
    throw conflict('A conversation of this contact is under legal hold; lift the hold before erasing the contact', 'legal_hold');
  }
  const conversationIds = convs.map((c) => c.id);
  const [messageCount] = conversationIds.length
    ? await tx
        .select({ n: count() })
        .from(messages)
        .where(and(eq(messages.organizationId, orgId), inArray(messages.conversationId, conversationIds)))
    : [{ n: 0 }];
  const mediaKeys = await mediaKeysOf(tx, orgId, conversationIds);
  const dealIds = await tx
    .select({ id: deals.id })
    .from(deals)
    .where(and(eq(deals.organizationId, orgId), eq(deals.contactId, contactId), isNull(deals.deletedAt)));
  await tx.delete(contacts).where(and(eq(contacts.organizationId, orgId), eq(contacts.id, contactId)));
  const cards: DealCard[] = [];
  for (const { id } of dealIds) {
    const card = await findDeal(tx, orgId, id);
    if (card) cards.push(card);
  }
  return {
    conversationIds,
    counts: { conversations: conversationIds.length, messages: messageCount?.n ?? 0, media: mediaKeys.length },
    mediaKeys,
    deals: cards,
  };
}
