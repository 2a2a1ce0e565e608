// Labels: an organisation's tags for contacts and conversations. Admins and managers manage the set; whoever may
// edit a contact or a conversation may tag it. Runs inside withOrg (RLS-scoped).
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { byActor, recordAudit } from '../audit/record';
import { contactLabels, conversationLabels, conversations, labels } from '../db/schema';
import { isUniqueViolation } from '../db/errors';
import type { Tx } from '../db/tx';
import { ApiError, conflict } from '../errors';
import type { createLabelBody, updateLabelBody } from '../schemas/labels';
import { recordActivity } from './activity';

export const labelColumns = { id: labels.id, name: labels.name, color: labels.color, description: labels.description, createdAt: labels.createdAt };

export async function listLabels(tx: Tx, orgId: string) {
  return tx.select(labelColumns).from(labels).where(eq(labels.organizationId, orgId)).orderBy(asc(labels.name));
}

/** Names are unique per organisation (case-insensitive index): a clash is a 409, whoever got there first. */
async function uniqueName<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A label "${name}" already exists`, 'label_exists');
    throw err;
  }
}

export async function createLabel(tx: Tx, actor: Actor, body: z.output<typeof createLabelBody>) {
  const [row] = await uniqueName(body.name, () =>
    tx
      .insert(labels)
      .values({ organizationId: actor.orgId, name: body.name, ...(body.color ? { color: body.color } : {}), description: body.description ?? null })
      .returning(labelColumns),
  );
  await recordAudit(tx, { action: 'label.created', ...byActor(actor), targetType: 'label', targetId: row!.id, metadata: { name: body.name } });
  return row!;
}

/** The label as changed, or undefined when this organisation has no such label. */
export async function updateLabel(tx: Tx, actor: Actor, id: string, body: z.output<typeof updateLabelBody>) {
  const [row] = await uniqueName(body.name, () =>
    tx
      .update(labels)
      .set(body)
      .where(and(eq(labels.organizationId, actor.orgId), eq(labels.id, id)))
      .returning(labelColumns),
  );
  if (row) await recordAudit(tx, { action: 'label.updated', ...byActor(actor), targetType: 'label', targetId: id, metadata: body });
  return row;
}

/** Deletes the label and its taggings (cascade); false when there was none. */
export async function deleteLabel(tx: Tx, actor: Actor, id: string) {
  const [row] = await tx
    .delete(labels)
    .where(and(eq(labels.organizationId, actor.orgId), eq(labels.id, id)))
    .returning({ name: labels.name });
  if (row) await recordAudit(tx, { action: 'label.deleted', ...byActor(actor), targetType: 'label', targetId: id, metadata: { name: row.name } });
  return !!row;
}

/** Tags a conversation; the chat's trail gets a "labelled" event naming the labels that were new. */
export async function tagConversation(tx: Tx, actor: Actor, conversationId: string, labelIds: string[]) {
  const before = new Set((await conversationLabelsOf(tx, actor.orgId, conversationId)).map((l) => l.id));
  await labelConversation(tx, actor.orgId, conversationId, labelIds);
  const data = await conversationLabelsOf(tx, actor.orgId, conversationId);
  const added = data.filter((l) => !before.has(l.id)).map((l) => l.name);
  return { data, trail: added.length ? [await recordActivity(tx, actor, conversationId, { type: 'labelled', added, removed: [] })] : [] };
}

/** Removes a tag; the trail records it when the conversation had it. */
export async function untagConversation(tx: Tx, actor: Actor, conversationId: string, labelId: string) {
  const had = (await conversationLabelsOf(tx, actor.orgId, conversationId)).find((l) => l.id === labelId);
  await unlabelConversation(tx, actor.orgId, conversationId, labelId);
  return had ? [await recordActivity(tx, actor, conversationId, { type: 'labelled', added: [], removed: [had.name] })] : [];
}

/** The given label ids that exist in this organisation; 422 naming the first that does not. */
async function existingLabels(tx: Tx, orgId: string, labelIds: string[]) {
  const rows = await tx
    .select({ id: labels.id })
    .from(labels)
    .where(and(eq(labels.organizationId, orgId), inArray(labels.id, labelIds)));
  const found = new Set(rows.map((r) => r.id));
  const missing = labelIds.find((id) => !found.has(id));
  if (missing) throw new ApiError(422, 'unknown_label', `Label ${missing} does not exist in this organisation`);
  return [...found];
}

export async function labelContact(tx: Tx, orgId: string, contactId: string, labelIds: string[]) {
  const ids = await existingLabels(tx, orgId, [...new Set(labelIds)]);
  await tx
    .insert(contactLabels)
    .values(ids.map((labelId) => ({ organizationId: orgId, contactId, labelId })))
    .onConflictDoNothing();
}

export async function unlabelContact(tx: Tx, orgId: string, contactId: string, labelId: string) {
  await tx
    .delete(contactLabels)
    .where(and(eq(contactLabels.organizationId, orgId), eq(contactLabels.contactId, contactId), eq(contactLabels.labelId, labelId)));
}

export async function labelConversation(tx: Tx, orgId: string, conversationId: string, labelIds: string[]) {
  const ids = await existingLabels(tx, orgId, [...new Set(labelIds)]);
  await tx
    .insert(conversationLabels)
    .values(ids.map((labelId) => ({ organizationId: orgId, conversationId, labelId })))
    .onConflictDoNothing();
  await touchConversation(tx, orgId, conversationId);
}

/**
 * The labels are part of the conversation's row as clients see it: a newer updated_at lets them drop a row read
 * before this change that reaches them after it (e.g. a status update's notify racing the label's).
 */
async function touchConversation(tx: Tx, orgId: string, conversationId: string) {
  await tx
    .update(conversations)
    .set({ updatedAt: new Date() })
    .where(and(eq(conversations.organizationId, orgId), eq(conversations.id, conversationId)));
}

export async function unlabelConversation(tx: Tx, orgId: string, conversationId: string, labelId: string) {
  await tx
    .delete(conversationLabels)
    .where(
      and(eq(conversationLabels.organizationId, orgId), eq(conversationLabels.conversationId, conversationId), eq(conversationLabels.labelId, labelId)),
    );
  await touchConversation(tx, orgId, conversationId);
}

export async function conversationLabelsOf(tx: Tx, orgId: string, conversationId: string) {
  return tx
    .select({ id: labels.id, name: labels.name, color: labels.color })
    .from(conversationLabels)
    .innerJoin(labels, eq(labels.id, conversationLabels.labelId))
    .where(and(eq(conversationLabels.organizationId, orgId), eq(conversationLabels.conversationId, conversationId)))
    .orderBy(asc(labels.name));
}

/** Finds labels by name (case-insensitive), creating the missing ones (CSV import). */
export async function labelsByName(tx: Tx, orgId: string, names: string[]): Promise<Map<string, string>> {
  const wanted = [...new Map(names.map((n) => [n.trim().toLowerCase(), n.trim()])).entries()].filter(([k]) => k);
  if (wanted.length === 0) return new Map();
  await tx
    .insert(labels)
    .values(wanted.map(([, name]) => ({ organizationId: orgId, name: name.slice(0, 50) })))
    .onConflictDoNothing();
  const rows = await tx.select({ id: labels.id, name: labels.name }).from(labels).where(eq(labels.organizationId, orgId));
  const byLower = new Map(rows.map((r) => [r.name.toLowerCase(), r.id]));
  return new Map(wanted.map(([lower]) => [lower, byLower.get(lower.slice(0, 50))!]).filter(([, id]) => id) as [string, string][]);
}
