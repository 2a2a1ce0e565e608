// Notes on a contact: the team's remarks beside the contact, newest first. Runs inside withOrg (RLS-scoped).
import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { authorize } from '../auth/policy';
import { contactNotes, users } from '../db/schema';
import type { Tx } from '../db/tx';
import type { Cursor } from '../lib/cursor';

/** `limit + 1` notes from the cursor on, for page(). */
export async function listNotes(tx: Tx, orgId: string, contactId: string, cursor: Cursor | undefined, limit: number) {
  return tx
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
}

export async function addNote(tx: Tx, actor: Actor, contactId: string, body: string) {
  const [note] = await tx.insert(contactNotes).values({ organizationId: actor.orgId, contactId, authorId: actor.userId, body }).returning();
  return { id: note!.id, contactId, body: note!.body, author: { id: actor.userId }, createdAt: note!.createdAt, updatedAt: note!.updatedAt };
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
