// Labels: an organisation's tags for contacts and conversations. Admins and managers manage the set; whoever may
// edit a contact or a conversation may tag it. Runs inside withOrg (RLS-scoped).
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { contactLabels, conversationLabels, conversations, labels } from '../db/schema';
import type { Tx } from '../db/tx';
import { ApiError } from '../errors';

const color = z.string().trim().regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour like #22c55e');
export const createLabelBody = z.object({
  name: z.string().trim().min(1).max(50),
  color: color.optional(),
  description: z.string().trim().max(200).nullable().optional(),
});
export const updateLabelBody = z
  .object({ name: z.string().trim().min(1).max(50), color, description: z.string().trim().max(200).nullable() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');
export const applyLabelsBody = z.object({ labelIds: z.array(z.uuid()).min(1).max(50) });

export const labelColumns = { id: labels.id, name: labels.name, color: labels.color, description: labels.description, createdAt: labels.createdAt };

export async function listLabels(tx: Tx, orgId: string) {
  return tx.select(labelColumns).from(labels).where(eq(labels.organizationId, orgId)).orderBy(asc(labels.name));
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
