// Scheduled messages of a conversation: GET/POST /api/v1/conversations/:id/scheduled-messages, PATCH/DELETE
// /api/v1/scheduled-messages/:id. Same access as replying; the cron sends them (worker/jobs/scheduled-messages.ts).
// Every change tells the conversation's room (`scheduled.updated`), so open chats show it.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { publishToConversation } from '../realtime/notify';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { cancelScheduled, createScheduled, findScheduled, listScheduled, updateScheduled } from '../domain/scheduled-messages';
import type { AppEnv } from '../env';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, json, jsonBody, pageOf } from '../openapi/responses';
import { createScheduledBody, ScheduledMessage, updateScheduledBody } from '../schemas/scheduled-messages';
import { visibleConversation } from './conversations';

const idParam = z.object({ id: z.uuid() });
const tags = ['Conversations'];
const one = z.object({ scheduled: ScheduledMessage });

const changed = (c: Context<AppEnv>, conversationId: string) =>
  publishToConversation(c.env, c.var.actor.orgId, conversationId, [{ type: 'scheduled.updated', data: { conversationId } }], c.var.log);

/** A scheduled message and its conversation, if the actor may reply there; another tenant's id is 404 (audited). */
async function replyableScheduled(c: Context<AppEnv>, id: string) {
  const actor = c.var.actor;
  const row = await withOrg(c.var.db, actor.orgId, (tx) => findScheduled(tx, actor.orgId, id));
  if (!row) return notFoundAudited(c, 'scheduled message', id);
  return { row, conversation: await visibleConversation(c, row.conversationId, 'conversation.reply') };
}

export function registerScheduledMessages(app: ApiApp) {
  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/conversations/{id}/scheduled-messages', tags, summary: 'A conversation’s scheduled messages', request: { params: idParam }, responses: { 200: json(pageOf(ScheduledMessage), 'By send time'), ...errors(404) } }),
    async (c) => {
      const actor = c.var.actor;
      const conversation = await visibleConversation(c, c.req.valid('param').id, 'conversation.reply');
      const data = await withOrg(c.var.db, actor.orgId, (tx) => listScheduled(tx, actor.orgId, conversation.id));
      return c.json({ data, nextCursor: null }, 200);
    },
  );

  openapi(
    app,
    createRoute({ method: 'post', path: '/api/v1/conversations/{id}/scheduled-messages', tags, summary: 'Schedule a message (and a template for a closed window)', request: { params: idParam, ...jsonBody(createScheduledBody) }, responses: { 201: json(one, 'Scheduled'), ...errors(404, 422) } }),
    async (c) => {
      const actor = c.var.actor;
      const conversation = await visibleConversation(c, c.req.valid('param').id, 'conversation.reply');
      const scheduled = await withOrg(c.var.db, actor.orgId, (tx) => createScheduled(tx, actor, conversation, c.req.valid('json')));
      await changed(c, conversation.id);
      return c.json({ scheduled }, 201);
    },
  );

  openapi(
    app,
    createRoute({ method: 'patch', path: '/api/v1/scheduled-messages/{id}', tags, summary: 'Change a scheduled message', request: { params: idParam, ...jsonBody(updateScheduledBody) }, responses: { 200: json(one, 'As changed'), ...errors(404, 409, 422) } }),
    async (c) => {
      const actor = c.var.actor;
      const { row, conversation } = await replyableScheduled(c, c.req.valid('param').id);
      const scheduled = await withOrg(c.var.db, actor.orgId, (tx) => updateScheduled(tx, actor, conversation, row.id, c.req.valid('json')));
      await changed(c, conversation.id);
      return c.json({ scheduled }, 200);
    },
  );

  openapi(
    app,
    createRoute({ method: 'delete', path: '/api/v1/scheduled-messages/{id}', tags, summary: 'Cancel a scheduled message', request: { params: idParam }, responses: { 200: json(one, 'Cancelled'), ...errors(404, 409) } }),
    async (c) => {
      const actor = c.var.actor;
      const { row } = await replyableScheduled(c, c.req.valid('param').id);
      const scheduled = await withOrg(c.var.db, actor.orgId, (tx) => cancelScheduled(tx, actor, row.id));
      await changed(c, row.conversationId);
      return c.json({ scheduled }, 200);
    },
  );
}
