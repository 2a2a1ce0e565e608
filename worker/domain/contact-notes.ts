// Notes on a contact: the team's remarks beside the contact, newest first. Runs inside withOrg (RLS-scoped). The text
// is stored sealed with the organisation's key, bound to the note's id (issue 21 §4).
import { and, desc, eq, lt, or } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../auth/actor';
import { authorize } from '../auth/policy';
import { contactNotes, users } from '../db/schema';
import type { Tx } from '../db/tx';
import type { Cursor } from '../lib/cursor';
import { noteContext, type ContentCrypto } from './content-crypto';

/** `limit + 1` notes from the cursor on, for page(), opened. */
export async function listNotes(tx: Tx, crypto: ContentCrypto, orgId: string, contactId: string, cursor: Cursor | undefined, limit: number) {
  const rows = await tx
    .select({
      id: contactNotes.id,
      contactId: contactNotes.contactId,
      body: contactNotes.body,
      author: { id: users.id, name: users.name },
      createdAt: contactNotes.createdAt,
      updatedAt: contactNotes.updatedAt,
    })
    .from(contactNotes)
    .leftJoin(users, eq(users.id, contactNotes.authorId))
    .where(
      and(
        eq(contactNotes.organizationId, orgId),
        eq(contactNotes.contactId, contactId),
        cursor ? or(lt(contactNotes.createdAt, cursor.createdAt), and(eq(contactNotes.createdAt, cursor.createdAt), lt(contactNotes.id, cursor.id))) : undefined,
      ),
    )
    .orderBy(desc(contactNotes.createdAt), desc(contactNotes.id))
    .limit(limit + 1);
  return Promise.all(rows.map(async (n) => ({ ...n, body: await crypto.open(n.body, noteContext(n.id)) })));
}

/** `crypto` seals the text (its key made before the transaction: sealing-crypto.ts); the id is made here, as the ciphertext is bound to it. */
export async function addNote(tx: Tx, crypto: ContentCrypto, actor: Actor, contactId: string, body: string) {
  const id = uuidv7();
  const sealed = await crypto.seal(body, noteContext(id));
  const [note] = await tx.insert(contactNotes).values({ id, organizationId: actor.orgId, contactId, authorId: actor.userId, body: sealed }).returning();
  return { id: note!.id, contactId, body, author: { id: actor.userId }, createdAt: note!.createdAt, updatedAt: note!.updatedAt };
}

/** Authors remove their own notes; admins and managers any. False when the contact has no such note. */
export async function deleteNote(tx: Tx, actor: Actor, contactId: string, noteId: string) {
  const [note] = await tx
    .select()
    .from(contactNotes)
    .where(and(eq(contactNotes.organizationId, actor.orgId), eq(contactNotes.contactId, contactId), eq(contactNotes.id, noteId)));
  if (!note) return false;
  if (note.authorId !== actor.userId) authorize(actor, 'contacts.delete');
  await tx.delete(contactNotes).where(and(eq(contactNotes.organizationId, actor.orgId), eq(contactNotes.id, noteId)));
  return true;
}
