// /api/v1/labels (the organisation's labels, managed by admins and managers) and tagging:
// /api/v1/contacts/:id/labels and /api/v1/conversations/:id/labels.
import { and, eq } from 'drizzle-orm';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { notifyStored, publishToInbox } from '../realtime/notify';
import { byActor, recordAudit } from '../audit/record';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { isUniqueViolation } from '../db/errors';
import { contacts, conversations, labels, type Message } from '../db/schema';
import { withOrg } from '../db/tx';
import { findContact, labelsOf } from '../domain/contacts';
import { findConversation } from '../domain/conversations';
import { recordActivity } from '../domain/activity';
import {
  applyLabelsBody,
  conversationLabelsOf,
  createLabelBody,
  labelColumns,
  labelContact,
  labelConversation,
  listLabels,
  unlabelContact,
  unlabelConversation,
  updateLabelBody,
} from '../domain/labels';
import type { AppEnv } from '../env';
import { conflict } from '../errors';
import { validate } from '../middleware/validate';

const idParam = z.object({ id: z.uuid() });
const labelParam = z.object({ id: z.uuid(), labelId: z.uuid() });

/** Other agents' inbox rows and open chats show the conversation's labels: tell them after commit. */
function conversationChanged(c: Context<AppEnv>, conversationId: string, trail: Message[] = []) {
  return notifyStored(c.env, c.var.db, c.var.actor.orgId, { created: trail, updated: [], conversationIds: [conversationId], toRooms: true }, c.var.log);
}

async function contactOr404(c: Context<AppEnv>, id: string) {
  const actor = c.var.actor;
  const contact = await withOrg(c.var.db, actor.orgId, (tx) => findContact(tx, actor.orgId, id));
  if (!contact) return notFoundAudited(c, contacts, contacts.id, id, 'contact');
  return contact;
}

/** Tagging a conversation is editing it: agents only their own or unassigned ones. */
async function conversationOr404(c: Context<AppEnv>, id: string, action: 'conversation.read' | 'conversation.update') {
  const actor = c.var.actor;
  const conversation = await withOrg(c.var.db, actor.orgId, (tx) => findConversation(tx, actor.orgId, id));
  if (!conversation) return notFoundAudited(c, conversations, conversations.id, id, 'conversation');
  authorize(actor, action, conversation);
  return conversation;
}

export function registerLabels(app: Hono<AppEnv>) {
  app.get('/api/v1/labels', async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.read');
    const data = await withOrg(c.var.db, actor.orgId, (tx) => listLabels(tx, actor.orgId));
    return c.json({ data, nextCursor: null });
  });

  app.post('/api/v1/labels', validate('json', createLabelBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'labels.manage');
    const body = c.req.valid('json');
    try {
      const label = await withOrg(c.var.db, actor.orgId, async (tx) => {
        const [row] = await tx
          .insert(labels)
          .values({ organizationId: actor.orgId, name: body.name, ...(body.color ? { color: body.color } : {}), description: body.description ?? null })
          .returning(labelColumns);
        await recordAudit(tx, { action: 'label.created', ...byActor(actor), targetType: 'label', targetId: row!.id, metadata: { name: body.name } });
        return row!;
      });
      return c.json({ label }, 201);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`A label "${body.name}" already exists`, 'label_exists');
      throw err;
    }
  });

  app.patch('/api/v1/labels/:id', validate('param', idParam), validate('json', updateLabelBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'labels.manage');
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    let label;
    try {
      label = await withOrg(c.var.db, actor.orgId, async (tx) => {
        const [row] = await tx
          .update(labels)
          .set(body)
          .where(and(eq(labels.organizationId, actor.orgId), eq(labels.id, id)))
          .returning(labelColumns);
        if (row) await recordAudit(tx, { action: 'label.updated', ...byActor(actor), targetType: 'label', targetId: id, metadata: body });
        return row;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`A label "${body.name}" already exists`, 'label_exists');
      throw err;
    }
    if (!label) return notFoundAudited(c, labels, labels.id, id, 'label');
    // Open inboxes and chats show the label on their rows: one event renames it everywhere, however many are tagged.
    await publishToInbox(c.env, actor.orgId, [{ type: 'label.updated', data: { label } }], c.var.log);
    return c.json({ label });
  });

  app.delete('/api/v1/labels/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'labels.manage');
    const { id } = c.req.valid('param');
    const removed = await withOrg(c.var.db, actor.orgId, async (tx) => {
      // Taggings go with it (cascade).
      const [row] = await tx
        .delete(labels)
        .where(and(eq(labels.organizationId, actor.orgId), eq(labels.id, id)))
        .returning({ name: labels.name });
      if (row) await recordAudit(tx, { action: 'label.deleted', ...byActor(actor), targetType: 'label', targetId: id, metadata: { name: row.name } });
      return row;
    });
    if (!removed) return notFoundAudited(c, labels, labels.id, id, 'label');
    await publishToInbox(c.env, actor.orgId, [{ type: 'label.deleted', data: { id } }], c.var.log);
    return c.body(null, 204);
  });

  // ---- contacts ----

  app.post('/api/v1/contacts/:id/labels', validate('param', idParam), validate('json', applyLabelsBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.write');
    const { id } = c.req.valid('param');
    await contactOr404(c, id);
    const data = await withOrg(c.var.db, actor.orgId, async (tx) => {
      await labelContact(tx, actor.orgId, id, c.req.valid('json').labelIds);
      return (await labelsOf(tx, actor.orgId, [id])).get(id) ?? [];
    });
    return c.json({ data, nextCursor: null });
  });

  app.delete('/api/v1/contacts/:id/labels/:labelId', validate('param', labelParam), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.write');
    const { id, labelId } = c.req.valid('param');
    await contactOr404(c, id);
    await withOrg(c.var.db, actor.orgId, (tx) => unlabelContact(tx, actor.orgId, id, labelId));
    return c.body(null, 204);
  });

  // ---- conversations ----

  app.get('/api/v1/conversations/:id/labels', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    const { id } = c.req.valid('param');
    await conversationOr404(c, id, 'conversation.read');
    const data = await withOrg(c.var.db, actor.orgId, (tx) => conversationLabelsOf(tx, actor.orgId, id));
    return c.json({ data, nextCursor: null });
  });

  app.post('/api/v1/conversations/:id/labels', validate('param', idParam), validate('json', applyLabelsBody), async (c) => {
    const actor = c.var.actor;
    const { id } = c.req.valid('param');
    await conversationOr404(c, id, 'conversation.update');
    const { data, trail } = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const before = new Set((await conversationLabelsOf(tx, actor.orgId, id)).map((l) => l.id));
      await labelConversation(tx, actor.orgId, id, c.req.valid('json').labelIds);
      const data = await conversationLabelsOf(tx, actor.orgId, id);
      const added = data.filter((l) => !before.has(l.id)).map((l) => l.name);
      return { data, trail: added.length ? [await recordActivity(tx, actor, id, { type: 'labelled', added, removed: [] })] : [] };
    });
    await conversationChanged(c, id, trail);
    return c.json({ data, nextCursor: null });
  });

  app.delete('/api/v1/conversations/:id/labels/:labelId', validate('param', labelParam), async (c) => {
    const actor = c.var.actor;
    const { id, labelId } = c.req.valid('param');
    await conversationOr404(c, id, 'conversation.update');
    const trail = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const had = (await conversationLabelsOf(tx, actor.orgId, id)).find((l) => l.id === labelId);
      await unlabelConversation(tx, actor.orgId, id, labelId);
      return had ? [await recordActivity(tx, actor, id, { type: 'labelled', added: [], removed: [had.name] })] : [];
    });
    await conversationChanged(c, id, trail);
    return c.body(null, 204);
  });
}
