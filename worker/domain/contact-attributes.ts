// The organisation's contact attribute definitions (its contact vocabulary, kept by admins and managers). Values
// live on each contact (contacts.attributes) and are checked against these in contacts.ts. Runs inside withOrg.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import { contactAttributeDefinitions as defs, contacts } from '../db/schema';
import { isUniqueViolation } from '../db/errors';
import type { Tx } from '../db/tx';
import { badRequest, conflict } from '../errors';
import type { createAttributeBody, updateAttributeBody } from '../schemas/contact-attributes';

const columns = {
  id: defs.id,
  key: defs.key,
  label: defs.label,
  type: defs.type,
  options: defs.options,
  description: defs.description,
  position: defs.position,
  createdAt: defs.createdAt,
};

export async function listAttributes(tx: Tx, orgId: string) {
  return tx.select(columns).from(defs).where(eq(defs.organizationId, orgId)).orderBy(asc(defs.position), asc(defs.createdAt));
}

export async function createAttribute(tx: Tx, actor: Actor, body: z.output<typeof createAttributeBody>) {
  let row;
  try {
    [row] = await tx
      .insert(defs)
      .values({
        organizationId: actor.orgId,
        key: body.key,
        label: body.label,
        type: body.type,
        options: body.options ?? [],
        description: body.description ?? null,
        position: body.position ?? 0,
      })
      .returning(columns);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`An attribute "${body.key}" already exists`, 'attribute_exists');
    throw err;
  }
  await recordAudit(tx, { action: 'contact_attribute.created', ...byActor(actor), targetType: 'contact_attribute', targetId: row!.id, metadata: { key: body.key, type: body.type } });
  return row!;
}

/** The definition as changed, or undefined when the organisation has none with this id. */
export async function updateAttribute(tx: Tx, actor: Actor, id: string, body: z.output<typeof updateAttributeBody>) {
  const [current] = await tx.select().from(defs).where(and(eq(defs.organizationId, actor.orgId), eq(defs.id, id)));
  if (!current) return undefined;
  if (body.options && current.type !== 'list') throw badRequest('Only list attributes have options', 'not_a_list');
  const [row] = await tx
    .update(defs)
    .set({ ...body, updatedAt: new Date() })
    .where(and(eq(defs.organizationId, actor.orgId), eq(defs.id, id)))
    .returning(columns);
  await recordAudit(tx, { action: 'contact_attribute.updated', ...byActor(actor), targetType: 'contact_attribute', targetId: id, metadata: { changed: Object.keys(body) } });
  return row;
}

/** Deletes the definition and every contact's value of it; false when there was none. */
export async function deleteAttribute(tx: Tx, actor: Actor, id: string) {
  const [row] = await tx
    .delete(defs)
    .where(and(eq(defs.organizationId, actor.orgId), eq(defs.id, id)))
    .returning({ key: defs.key });
  if (!row) return false;
  await tx
    .update(contacts)
    .set({ attributes: sql`${contacts.attributes} - ${row.key}::text` })
    .where(and(eq(contacts.organizationId, actor.orgId), sql`${contacts.attributes} ? ${row.key}`));
  await recordAudit(tx, { action: 'contact_attribute.deleted', ...byActor(actor), targetType: 'contact_attribute', targetId: id, metadata: { key: row.key } });
  return true;
}
