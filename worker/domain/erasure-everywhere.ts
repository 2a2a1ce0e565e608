// LGPD erasure of a contact everywhere it was copied: its rows (erasure.ts), the copies in other tables
// (erasure-copies.ts), its objects in R2 (erasure-objects.ts) and the realtime rooms. One transaction as the owner
// (see erasure-copies.ts for why), every statement scoped to the organisation; the audit entry counts what went
// from each place and names nothing.
import { and, eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { conversations } from '../db/schema';
import { asSystem } from '../db/tx';
import type { Env } from '../env';
import { errorFields, type Logger } from '../lib/log';
import { eraseRooms } from '../realtime/erase-rooms';
import { publishToInbox } from '../realtime/notify';
import { deleteExportObjects, deleteExportsOf } from './data-exports';
import { dealBoardEvent } from './deals';
import { deleteMediaObjects, eraseContact } from './erasure';
import { anonymiseDeals, deleteDeadLettersOfKeys, eraseCopies, tracesOf } from './erasure-copies';
import { storedBodiesNaming, unattachedUploads } from './erasure-objects';

/** What the API answers; the audit entry has the per-place counts besides. */
export interface ContactErased {
  conversations: number;
  messages: number;
  media: number;
}

export async function eraseContactEverywhere(env: Env, db: Db, actor: Actor, contactId: string, log: Logger): Promise<ContactErased | undefined> {
  const orgId = actor.orgId;
  const done = await asSystem(db, async (tx) => {
    const convs = await tx.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.organizationId, orgId), eq(conversations.contactId, contactId)));
    const traces = await tracesOf(tx, orgId, contactId, convs.map((c) => c.id));
    if (!traces) return undefined;
    // Before the contact goes: the deals are found by their link to it, which the delete sets null.
    const deals = await anonymiseDeals(tx, orgId, traces);
    // The contact's data exports (ZIPs of everything about them) go too; their files after commit.
    const exports = await deleteExportsOf(tx, orgId, contactId);
    const erased = await eraseContact(tx, orgId, contactId);
    if (!erased) return undefined;
    const copies = await eraseCopies(tx, orgId, traces, deals);
    // Objects that no row points at are read and listed here, deleted after commit with the media.
    const uploads = await unattachedUploads(env.MEDIA, orgId, traces.conversationIds, erased.mediaKeys);
    const bodies = await storedBodiesNaming(env.MEDIA, orgId, traces);
    const letters = await deleteDeadLettersOfKeys(tx, bodies.raw);
    const counts = {
      ...erased.counts,
      ...copies,
      deadLetters: copies.deadLetters + letters,
      unattachedUploads: uploads.length,
      rawWebhookBodies: bodies.raw.length,
      parkedDeadLetters: bodies.parked.length,
      dataExports: exports.length,
    };
    await recordAudit(tx, { action: 'contact.erased', ...byActor(actor), targetType: 'contact', targetId: contactId, metadata: counts });
    return { erased, traces, exports, objects: [...erased.mediaKeys, ...uploads, ...bodies.raw, ...bodies.parked] };
  });
  if (!done) return undefined;
  const { erased, traces } = done;
  try {
    await deleteMediaObjects(env.MEDIA, done.objects);
    await deleteExportObjects(env.MEDIA, done.exports);
  } catch (err) {
    // The rows are gone for good; the objects are orphans nothing points at (the daily sweeps retry uploads and raw bodies).
    log.error('erased contact objects not deleted from R2', { ...errorFields(err), orgId, keys: done.objects.length });
  }
  // Inbox events about the contact carry its id or a conversation's (list entries, deal cards); names alone would
  // also match other people's.
  await eraseRooms(env, orgId, traces.conversationIds, [traces.contactId, ...traces.identifiers], log);
  // Open inboxes drop the conversations; deal boards show the deals without the contact and its name.
  const events = [...traces.conversationIds.map((id) => ({ type: 'conversation.hidden', data: { id } })), ...erased.deals.map((d) => dealBoardEvent('deal.updated', d))];
  await publishToInbox(env, orgId, events, log);
  return erased.counts;
}
