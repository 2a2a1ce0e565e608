// /api/v1/canned-responses: saved replies with {{variables}}; everyone uses them, admins and managers keep them.
import { and, asc, eq, ilike, or } from 'drizzle-orm';
import type { Hono } from 'hono';
import { z } from 'zod';
import { byActor, recordAudit } from '../audit/record';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { isUniqueViolation } from '../db/errors';
import { cannedResponses, contacts, conversations, organizations, users } from '../db/schema';
import { withOrg, type Tx } from '../db/tx';
import { CANNED_VARIABLES, createCannedBody, renderCannedResponse, unknownVariables, updateCannedBody, variablesIn } from '../domain/canned-responses';
import { attributeDefinitions, findContact } from '../domain/contacts';
import { findConversation } from '../domain/conversations';
import type { AppEnv } from '../env';
import { ApiError, conflict } from '../errors';
import { validate } from '../middleware/validate';

const idParam = z.object({ id: z.uuid() });
const listQuery = z.object({ q: z.string().trim().min(1).max(100).optional() });
const renderBody = z
  .object({ contactId: z.uuid().optional(), conversationId: z.uuid().optional() })
  .refine((b) => !(b.contactId && b.conversationId), 'give a contactId or a conversationId, not both');

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

export function registerCannedResponses(app: Hono<AppEnv>) {
  app.get('/api/v1/canned-responses', validate('query', listQuery), async (c) => {
    const actor = c.var.actor;
    const { q } = c.req.valid('query');
    const pattern = q ? `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : undefined;
    const rows = await withOrg(c.var.db, actor.orgId, (tx) =>
      tx
        .select(columns)
        .from(cannedResponses)
        .where(
          and(
            eq(cannedResponses.organizationId, actor.orgId),
            pattern ? or(ilike(cannedResponses.shortcut, `${q!.replace(/^\//, '').replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`), ilike(cannedResponses.title, pattern), ilike(cannedResponses.body, pattern)) : undefined,
          ),
        )
        .orderBy(asc(cannedResponses.shortcut))
        .limit(500),
    );
    return c.json({ data: rows.map(withVariables), nextCursor: null });
  });

  app.post('/api/v1/canned-responses', validate('json', createCannedBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'canned_responses.manage');
    const body = c.req.valid('json');
    try {
      const cannedResponse = await withOrg(c.var.db, actor.orgId, async (tx) => {
        await checkVariables(tx, actor.orgId, body.body);
        const [row] = await tx
          .insert(cannedResponses)
          .values({ organizationId: actor.orgId, ...body, createdBy: actor.userId })
          .returning(columns);
        await recordAudit(tx, { action: 'canned_response.created', ...byActor(actor), targetType: 'canned_response', targetId: row!.id, metadata: { shortcut: body.shortcut } });
        return row!;
      });
      return c.json({ cannedResponse: withVariables(cannedResponse) }, 201);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`The shortcut /${body.shortcut} is taken`, 'shortcut_taken');
      throw err;
    }
  });

  app.patch('/api/v1/canned-responses/:id', validate('param', idParam), validate('json', updateCannedBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'canned_responses.manage');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    let row;
    try {
      row = await withOrg(c.var.db, actor.orgId, async (tx) => {
        if (body.body) await checkVariables(tx, actor.orgId, body.body);
        const [updated] = await tx
          .update(cannedResponses)
          .set({ ...body, updatedAt: new Date() })
          .where(and(eq(cannedResponses.organizationId, actor.orgId), eq(cannedResponses.id, id)))
          .returning(columns);
        if (updated) {
          await recordAudit(tx, { action: 'canned_response.updated', ...byActor(actor), targetType: 'canned_response', targetId: id, metadata: { changed: Object.keys(body) } });
        }
        return updated;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`The shortcut /${body.shortcut} is taken`, 'shortcut_taken');
      throw err;
    }
    if (!row) return notFoundAudited(c, cannedResponses, cannedResponses.id, id, 'canned response');
    return c.json({ cannedResponse: withVariables(row) });
  });

  app.delete('/api/v1/canned-responses/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'canned_responses.manage');
    const { id } = c.req.valid('param');
    const removed = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const [row] = await tx
        .delete(cannedResponses)
        .where(and(eq(cannedResponses.organizationId, actor.orgId), eq(cannedResponses.id, id)))
        .returning({ shortcut: cannedResponses.shortcut });
      if (row) await recordAudit(tx, { action: 'canned_response.deleted', ...byActor(actor), targetType: 'canned_response', targetId: id, metadata: row });
      return row;
    });
    if (!removed) return notFoundAudited(c, cannedResponses, cannedResponses.id, id, 'canned response');
    return c.body(null, 204);
  });

  /** The text to put in the composer: variables filled for this contact (or the contact of this conversation). */
  app.post('/api/v1/canned-responses/:id/render', validate('param', idParam), validate('json', renderBody), async (c) => {
    const actor = c.var.actor;
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    type Outcome = { missing: 'canned response' | 'contact' | 'conversation'; id: string } | { text: string; missing: string[] };
    const outcome: Outcome = await withOrg(c.var.db, actor.orgId, async (tx): Promise<Outcome> => {
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
    });
    if ('id' in outcome) {
      const [table, column] =
        outcome.missing === 'contact' ? [contacts, contacts.id] : outcome.missing === 'conversation' ? [conversations, conversations.id] : [cannedResponses, cannedResponses.id];
      return notFoundAudited(c, table, column, outcome.id, outcome.missing);
    }
    return c.json(outcome);
  });
}
