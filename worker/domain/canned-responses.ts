// Canned responses' queries: the organisation's saved replies, kept by admins and managers, rendered for a contact
// when an agent uses one. Runs inside withOrg (RLS-scoped). The {{variable}} logic is canned-variables.ts.
import { and, asc, eq, ilike, or } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { authorize } from '../auth/policy';
import { byActor, recordAudit } from '../audit/record';
import { cannedResponses, organizations, users } from '../db/schema';
import { isUniqueViolation } from '../db/errors';
import type { Tx } from '../db/tx';
import { ApiError, conflict } from '../errors';
import type { createCannedBody, renderCannedBody, updateCannedBody } from '../schemas/canned-responses';
import { CANNED_VARIABLES, renderCannedResponse, unknownVariables, variablesIn } from './canned-variables';
import { attributeDefinitions, findContact } from './contacts';
import { findConversation } from './conversations';

const columns = {
  id: cannedResponses.id,
  shortcut: cannedResponses.shortcut,
  title: cannedResponses.title,
  body: cannedResponses.body,
  createdBy: cannedResponses.createdBy,
  createdAt: cannedResponses.createdAt,
  updatedAt: cannedResponses.updatedAt,
};
const withVariables = <T extends { body: string }>(r: T) => ({ ...r, variables: variablesIn(r.body) });
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** By shortcut; `q` matches the start of the shortcut (with or without its "/") or anywhere in title and body. */
export async function listCannedResponses(tx: Tx, orgId: string, q: string | undefined) {
  const rows = await tx
    .select(columns)
    .from(cannedResponses)
    .where(
      and(
        eq(cannedResponses.organizationId, orgId),
        q
          ? or(
              ilike(cannedResponses.shortcut, `${escapeLike(q.replace(/^\//, ''))}%`),
              ilike(cannedResponses.title, `%${escapeLike(q)}%`),
              ilike(cannedResponses.body, `%${escapeLike(q)}%`),
            )
          : undefined,
      ),
    )
    .orderBy(asc(cannedResponses.shortcut))
    .limit(500);
  return rows.map(withVariables);
}

/** A typo in a variable is a 400 when the response is saved, not a blank in front of a customer. */
async function checkVariables(tx: Tx, orgId: string, body: string) {
  const keys = new Set((await attributeDefinitions(tx, orgId)).keys());
  const unknown = unknownVariables(body, keys);
  if (unknown.length) {
    throw new ApiError(
      400,
      'unknown_variable',
      `Unknown variable(s): ${unknown.map((v) => `{{${v}}}`).join(', ')}. Available: ${[...CANNED_VARIABLES, ...[...keys].map((k) => `contact.attributes.${k}`)].map((v) => `{{${v}}}`).join(', ')}`,
    );
  }
}

async function uniqueShortcut<T>(shortcut: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`The shortcut /${shortcut} is taken`, 'shortcut_taken');
    throw err;
  }
}

export async function createCannedResponse(tx: Tx, actor: Actor, body: z.output<typeof createCannedBody>) {
  await checkVariables(tx, actor.orgId, body.body);
  const [row] = await uniqueShortcut(body.shortcut, () =>
    tx
      .insert(cannedResponses)
      .values({ organizationId: actor.orgId, ...body, createdBy: actor.userId })
      .returning(columns),
  );
  await recordAudit(tx, { action: 'canned_response.created', ...byActor(actor), targetType: 'canned_response', targetId: row!.id, metadata: { shortcut: body.shortcut } });
  return withVariables(row!);
}

/** The response as changed, or undefined when this organisation has none with this id. */
export async function updateCannedResponse(tx: Tx, actor: Actor, id: string, body: z.output<typeof updateCannedBody>) {
  if (body.body) await checkVariables(tx, actor.orgId, body.body);
  const [row] = await uniqueShortcut(body.shortcut, () =>
    tx
      .update(cannedResponses)
      .set({ ...body, updatedAt: new Date() })
      .where(and(eq(cannedResponses.organizationId, actor.orgId), eq(cannedResponses.id, id)))
      .returning(columns),
  );
  if (!row) return undefined;
  await recordAudit(tx, { action: 'canned_response.updated', ...byActor(actor), targetType: 'canned_response', targetId: id, metadata: { changed: Object.keys(body) } });
  return withVariables(row);
}

export async function deleteCannedResponse(tx: Tx, actor: Actor, id: string) {
  const [row] = await tx
    .delete(cannedResponses)
    .where(and(eq(cannedResponses.organizationId, actor.orgId), eq(cannedResponses.id, id)))
    .returning({ shortcut: cannedResponses.shortcut });
  if (row) await recordAudit(tx, { action: 'canned_response.deleted', ...byActor(actor), targetType: 'canned_response', targetId: id, metadata: row });
  return !!row;
}

type Rendered = { missing: 'canned response' | 'contact' | 'conversation'; id: string } | { text: string; missing: string[] };

/** The text for the composer, variables filled for this contact (or the contact of this conversation). */
export async function renderForContact(tx: Tx, actor: Actor, id: string, body: z.output<typeof renderCannedBody>): Promise<Rendered> {
  const [canned] = await tx
    .select(columns)
    .from(cannedResponses)
    .where(and(eq(cannedResponses.organizationId, actor.orgId), eq(cannedResponses.id, id)));
  if (!canned) return { missing: 'canned response', id };
  let contactId = body.contactId;
  if (body.conversationId) {
    const conversation = await findConversation(tx, actor.orgId, body.conversationId);
    if (!conversation) return { missing: 'conversation', id: body.conversationId };
    authorize(actor, 'conversation.read', conversation);
    contactId = conversation.contactId;
  }
  const contact = contactId ? await findContact(tx, actor.orgId, contactId) : undefined;
  if (contactId && !contact) return { missing: 'contact', id: contactId };
  const [agent] = await tx.select({ name: users.name }).from(users).where(eq(users.id, actor.userId));
  const [organization] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, actor.orgId));
  return renderCannedResponse(canned.body, {
    contact: contact ? { name: contact.name, profileName: contact.profileName, phone: contact.phoneE164, email: contact.email, attributes: contact.attributes } : null,
    agent: agent ?? null,
    organization: organization ?? null,
  });
}
