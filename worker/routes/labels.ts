// /api/v1/labels (the organisation's labels, managed by admins and managers) and tagging:
// /api/v1/contacts/:id/labels and /api/v1/conversations/:id/labels.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { notifyStored, publishToInbox } from '../realtime/notify';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { findContact, labelsOf } from '../domain/contacts';
import { findConversation } from '../domain/conversations';
import { conversationLabelsOf, createLabel, deleteLabel, labelContact, listLabels, tagConversation, unlabelContact, untagConversation, updateLabel } from '../domain/labels';
import type { AppEnv } from '../env';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody, noContent, pageOf } from '../openapi/responses';
import { applyLabelsBody, createLabelBody, Label, LabelRef, updateLabelBody } from '../schemas/labels';

const labelParam = z.object({ id: z.uuid(), labelId: z.uuid() });
const tags = ['Labels'];

/** Other agents' inbox rows and open chats show the conversation's labels: tell them after commit. */
function conversationChanged(c: Context<AppEnv>, conversationId: string, trail: Parameters<typeof notifyStored>[3]['created']) {
  return notifyStored(c.env, c.var.db, c.var.actor.orgId, { created: trail, updated: [], conversationIds: [conversationId], toRooms: true }, c.var.log);
}

async function contactOr404(c: Context<AppEnv>, id: string) {
  const actor = c.var.actor;
  const contact = await withOrg(c.var.db, actor.orgId, (tx) => findContact(tx, actor.orgId, id));
  if (!contact) return notFoundAudited(c, 'contact', id);
  return contact;
}

/** Tagging a conversation is editing it: agents only their own or unassigned ones. */
async function conversationOr404(c: Context<AppEnv>, id: string, action: 'conversation.read' | 'conversation.update') {
  const actor = c.var.actor;
  const conversation = await withOrg(c.var.db, actor.orgId, (tx) => findConversation(tx, actor.orgId, id));
  if (!conversation) return notFoundAudited(c, 'conversation', id);
  authorize(actor, action, conversation);
  return conversation;
}

export function registerLabels(app: ApiApp) {
  registerLabelSet(app);
  registerContactTagging(app);
  registerConversationTagging(app);
}

function registerLabelSet(app: ApiApp) {
  openapi(app, createRoute({ method: 'get', path: '/api/v1/labels', tags, summary: 'The organisation’s labels', responses: { 200: json(pageOf(Label), 'Every label, by name'), ...errors() } }), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'contacts.read');
    const data = await withOrg(c.var.db, actor.orgId, (tx) => listLabels(tx, actor.orgId));
    return c.json({ data, nextCursor: null }, 200);
  });

  openapi(
    app,
    createRoute({ method: 'post', path: '/api/v1/labels', tags, summary: 'Create a label (admins, managers)', request: jsonBody(createLabelBody), responses: { 201: json(z.object({ label: Label }), 'Created'), ...errors(409) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'labels.manage');
      const label = await withOrg(c.var.db, actor.orgId, (tx) => createLabel(tx, actor, c.req.valid('json')));
      return c.json({ label }, 201);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'patch',
      path: '/api/v1/labels/{id}',
      tags,
      summary: 'Rename, recolour or describe a label',
      request: { params: idParam, ...jsonBody(updateLabelBody) },
      responses: { 200: json(z.object({ label: Label }), 'The label as changed'), ...errors(404, 409) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'labels.manage');
      const { id } = c.req.valid('param');
      const label = await withOrg(c.var.db, actor.orgId, (tx) => updateLabel(tx, actor, id, c.req.valid('json')));
      if (!label) return notFoundAudited(c, 'label', id);
      // Open inboxes and chats show the label on their rows: one event renames it everywhere, however many are tagged.
      await publishToInbox(c.env, actor.orgId, [{ type: 'label.updated', data: { label } }], c.var.log);
      return c.json({ label }, 200);
    },
  );

  openapi(
    app,
    createRoute({ method: 'delete', path: '/api/v1/labels/{id}', tags, summary: 'Delete a label and its taggings', request: { params: idParam }, responses: { ...noContent, ...errors(404) } }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'labels.manage');
      const { id } = c.req.valid('param');
      if (!(await withOrg(c.var.db, actor.orgId, (tx) => deleteLabel(tx, actor, id)))) return notFoundAudited(c, 'label', id);
      await publishToInbox(c.env, actor.orgId, [{ type: 'label.deleted', data: { id } }], c.var.log);
      return c.body(null, 204);
    },
  );
}

function registerContactTagging(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/contacts/{id}/labels',
      tags,
      summary: 'Tag a contact',
      request: { params: idParam, ...jsonBody(applyLabelsBody) },
      responses: { 200: json(pageOf(LabelRef), 'The contact’s labels now'), ...errors(404, 422) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.write');
      const { id } = c.req.valid('param');
      await contactOr404(c, id);
      const data = await withOrg(c.var.db, actor.orgId, async (tx) => {
        await labelContact(tx, actor.orgId, id, c.req.valid('json').labelIds);
        return (await labelsOf(tx, actor.orgId, [id])).get(id) ?? [];
      });
      return c.json({ data, nextCursor: null }, 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'delete',
      path: '/api/v1/contacts/{id}/labels/{labelId}',
      tags,
      summary: 'Untag a contact',
      request: { params: labelParam },
      responses: { ...noContent, ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'contacts.write');
      const { id, labelId } = c.req.valid('param');
      await contactOr404(c, id);
      await withOrg(c.var.db, actor.orgId, (tx) => unlabelContact(tx, actor.orgId, id, labelId));
      return c.body(null, 204);
    },
  );
}

function registerConversationTagging(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'get',
      path: '/api/v1/conversations/{id}/labels',
      tags,
      summary: 'A conversation’s labels',
      request: { params: idParam },
      responses: { 200: json(pageOf(LabelRef), 'By name'), ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      const { id } = c.req.valid('param');
      await conversationOr404(c, id, 'conversation.read');
      const data = await withOrg(c.var.db, actor.orgId, (tx) => conversationLabelsOf(tx, actor.orgId, id));
      return c.json({ data, nextCursor: null }, 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/conversations/{id}/labels',
      tags,
      summary: 'Tag a conversation',
      request: { params: idParam, ...jsonBody(applyLabelsBody) },
      responses: { 200: json(pageOf(LabelRef), 'The conversation’s labels now'), ...errors(404, 422) },
    }),
    async (c) => {
      const actor = c.var.actor;
      const { id } = c.req.valid('param');
      await conversationOr404(c, id, 'conversation.update');
      const { data, trail } = await withOrg(c.var.db, actor.orgId, (tx) => tagConversation(tx, actor, id, c.req.valid('json').labelIds));
      await conversationChanged(c, id, trail);
      return c.json({ data, nextCursor: null }, 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'delete',
      path: '/api/v1/conversations/{id}/labels/{labelId}',
      tags,
      summary: 'Untag a conversation',
      request: { params: labelParam },
      responses: { ...noContent, ...errors(404) },
    }),
    async (c) => {
      const actor = c.var.actor;
      const { id, labelId } = c.req.valid('param');
      await conversationOr404(c, id, 'conversation.update');
      const trail = await withOrg(c.var.db, actor.orgId, (tx) => untagConversation(tx, actor, id, labelId));
      await conversationChanged(c, id, trail);
      return c.body(null, 204);
    },
  );
}
