// What the contact routes change, each in one transaction with its audit entry, answering the API's shapes. The
// pieces (validation of phones and attributes, merging) are in contacts.ts; erasure is erasure-everywhere.ts.
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import { isUniqueViolation } from '../db/errors';
import type { Tx } from '../db/tx';
import { conflict } from '../errors';
import type { createContactBody, updateContactBody } from '../schemas/contacts';
import { contactDto, contactSnapshot, createContact, findContact, mergeContacts, updateContact } from './contacts';

/** Two requests writing the same number at once: the unique index decides. */
async function uniqueNumber<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('Another contact already has this WhatsApp id', 'contact_exists');
    throw err;
  }
}

export async function addContact(tx: Tx, actor: Actor, body: z.output<typeof createContactBody>) {
  const id = await uniqueNumber(() => createContact(tx, actor.orgId, body));
  await recordAudit(tx, { action: 'contact.created', ...byActor(actor), targetType: 'contact', targetId: id });
  return (await contactDto(tx, actor.orgId, id))!;
}

/** The contact as edited, or undefined when there is none. */
export async function editContact(tx: Tx, actor: Actor, id: string, body: z.output<typeof updateContactBody>) {
  const changed = await uniqueNumber(() => updateContact(tx, actor.orgId, id, body));
  if (!changed) return undefined;
  if (changed.length) await recordAudit(tx, { action: 'contact.updated', ...byActor(actor), targetType: 'contact', targetId: id, metadata: { changed } });
  return contactDto(tx, actor.orgId, id);
}

/** Merges `otherId` into `id`; the audit entry keeps a snapshot of the contact that goes. */
export async function mergeContactsAudited(tx: Tx, actor: Actor, id: string, otherId: string) {
  const other = await findContact(tx, actor.orgId, otherId);
  const result = await mergeContacts(tx, actor.orgId, id, otherId);
  if ('missing' in result) return result;
  await recordAudit(tx, { action: 'contact.merged', ...byActor(actor), targetType: 'contact', targetId: id, metadata: { ...result, merged: other ? contactSnapshot(other) : null } });
  return { result, contact: (await contactDto(tx, actor.orgId, id))! };
}
