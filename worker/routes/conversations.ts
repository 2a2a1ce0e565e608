// /api/v1/conversations: the inbox list, one conversation, its messages, replies, and assignment/status.
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { notifyStored, publishNotifications } from '../realtime/notify';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { conversationChangeEvents } from '../webhooks-out/conversation-events';
import { emitEvents } from '../webhooks-out/emit';
import { conversationEntries, findConversation, listConversations, listMessages, windowOpen, WINDOW_MS } from '../domain/conversations';
import { contentCrypto } from '../domain/content-crypto';
import { sealingCrypto } from '../domain/sealing-crypto';
import { capabilitiesOf } from '../domain/channels';
import { messageDto } from '../domain/dto';
import { discardUnqueued, storeOutgoing } from '../domain/send';
import { startConversation } from '../domain/start-conversation';
import { updateConversation } from '../domain/assignment';
import { recordChanges } from '../domain/activity';
import { closeReassignedSockets } from '../realtime/close-reassigned';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { decodeCursor, page } from '../lib/cursor';
import { errorFields } from '../lib/log';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, idParam, json, jsonBody, pageOf } from '../openapi/responses';
import { askSurvey, conversationSurvey } from '../service-desk/csat';
import { sendMessageBody, startConversationBody, updateConversationBody } from '../schemas/messages';
import { ConversationDetail, conversationListQuery, ConversationRecord, ConversationRow, Message, pageQuery } from '../schemas/conversations';

const tags = ['Conversations'];

/** Loads a conversation the actor may see: other tenants' ids are 404 (audited), others' chats 403 for agents. */
export async function visibleConversation(c: Context<AppEnv>, id: string, action: 'conversation.read' | 'conversation.reply' | 'conversation.update' = 'conversation.read') {
  const actor = c.var.actor;
  const conversation = await withOrg(c.var.db, actor.orgId, (tx) => findConversation(tx, actor.orgId, id));
  if (!conversation) return notFoundAudited(c, 'conversation', id);
  authorize(actor, action, conversation);
  return conversation;
}

/** Queues the send; when the queue refuses, the stored message is undone (not queued means not sent) and the client retries. */
async function enqueueOrUndo(c: Context<AppEnv>, messageId: string) {
  const orgId = c.var.actor.orgId;
  try {
    await c.env.OUTBOUND_QUEUE.send({ type: 'outbound.send', organizationId: orgId, messageId }, { contentType: 'json' });
  } catch (err) {
    c.var.log.error('outbound enqueue failed', errorFields(err));
    await withOrg(c.var.db, orgId, (tx) => discardUnqueued(tx, orgId, messageId));
    throw new ApiError(503, 'enqueue_failed', 'Could not queue the message now; try again');
  }
}

export function registerConversations(app: ApiApp) {
  registerInbox(app);
  registerConversation(app);
  registerMessages(app);
}

function registerInbox(app: ApiApp) {
  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/conversations', tags, summary: 'The inbox: conversations the caller may see', request: { query: conversationListQuery }, responses: { 200: json(pageOf(ConversationRow), 'A page of the inbox'), ...errors() } }),
    async (c) => {
      const actor = c.var.actor;
      const q = c.req.valid('query');
      const crypto = contentCrypto(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, actor.orgId);
      const rows = await withOrg(c.var.db, actor.orgId, (tx) =>
        listConversations(tx, crypto, actor, { sort: q.sort, status: q.status, assignee: q.assignee, department: q.department, label: q.label, cursor: decodeCursor(q.cursor), limit: q.limit }),
      );
      const { data, nextCursor } = page(rows, q.limit, (r) => ({ createdAt: r.sortAt, id: r.id }));
      return c.json({ data: data.map(({ sortAt: _, ...rest }) => rest), nextCursor }, 200);
    },
  );

  // Starts (or continues) a conversation from our side: a contact or a typed number, a channel, a first message.
  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/conversations',
      tags,
      summary: 'Start (or continue) a conversation with a template or a first message',
      request: jsonBody(startConversationBody),
      responses: {
        201: json(z.object({ conversation: ConversationRow, message: Message, created: z.literal(true) }), 'Started'),
        200: json(z.object({ conversation: ConversationRow, message: Message, created: z.literal(false) }), 'Continued an active conversation'),
        ...errors(404, 409, 422, 503),
      },
    }),
    async (c) => {
      const actor = c.var.actor;
      authorize(actor, 'conversations.start');
      const body = c.req.valid('json');
      const crypto = await sealingCrypto(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, actor.orgId);
      const result = await withOrg(c.var.db, actor.orgId, (tx) => startConversation(tx, crypto, actor, body));
      if (result.kind === 'missing') return result.what === 'channel' ? notFoundAudited(c, 'channel', body.channelId) : notFoundAudited(c, 'contact', body.contactId!);
      const { message, conversationId } = result;
      if (message.status === 'queued' && !message.providerMessageId) await enqueueOrUndo(c, message.id);
      await notifyStored(c.env, c.var.db, actor.orgId, { created: [message, ...result.trail], updated: [], conversationIds: [conversationId], toRooms: true }, c.var.log);
      const [summary] = await withOrg(c.var.db, actor.orgId, (tx) => conversationEntries(tx, crypto, actor.orgId, [conversationId], actor.userId));
      await emitEvents(c.env, actor.orgId, [...(result.created ? [{ type: 'conversation.created' as const, data: summary }] : []), { type: 'message.created', data: messageDto(message) }], c.var.log);
      const answer = { conversation: summary!, message: messageDto(message) };
      return result.created ? c.json({ ...answer, created: true as const }, 201) : c.json({ ...answer, created: false as const }, 200);
    },
  );
}

function registerConversation(app: ApiApp) {
  openapi(app, createRoute({ method: 'get', path: '/api/v1/conversations/{id}', tags, summary: 'One conversation: channel, 24-hour window, survey', request: { params: idParam }, responses: { 200: json(z.object({ conversation: ConversationDetail }), 'The conversation'), ...errors(404) } }), async (c) => {
    const actor = c.var.actor;
    const conversation = await visibleConversation(c, c.req.valid('param').id);
    const crypto = contentCrypto(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, actor.orgId);
    const [[summary], channel, csat] = await withOrg(c.var.db, actor.orgId, (tx) =>
      Promise.all([
        conversationEntries(tx, crypto, actor.orgId, [conversation.id], actor.userId),
        capabilitiesOf(tx, actor.orgId, conversation.channelId),
        conversationSurvey(tx, actor.orgId, conversation.id),
      ]),
    );
    // Evolution (WhatsApp Web) has no 24-hour rule: always open, never expiring.
    const open = !channel.window24h || windowOpen(conversation.lastInboundAt);
    return c.json({
      conversation: {
        ...summary!,
        snoozedUntil: conversation.snoozedUntil,
        channel,
        // The satisfaction survey: null when never asked; rating null while unanswered.
        csat,
        window: {
          open,
          applies: channel.window24h,
          expiresAt: channel.window24h && conversation.lastInboundAt ? new Date(conversation.lastInboundAt.getTime() + WINDOW_MS) : null,
        },
      },
    }, 200);
  });

  openapi(
    app,
    createRoute({
      method: 'patch',
      path: '/api/v1/conversations/{id}',
      tags,
      summary: 'Status, assignee, department, snooze, importance',
      request: { params: idParam, ...jsonBody(updateConversationBody) },
      responses: { 200: json(z.object({ conversation: ConversationRecord }), 'As changed'), ...errors(404, 409, 422) },
    }),
    async (c) => {
      const actor = c.var.actor;
      const conversation = await visibleConversation(c, c.req.valid('param').id, 'conversation.update');
      const body = c.req.valid('json');
      if (body.assigneeId !== undefined && body.assigneeId !== conversation.assigneeId) {
        authorize(actor, 'conversation.assign', { ...conversation, newAssigneeId: body.assigneeId });
      }
      // The survey question is sealed inside the transaction: the organisation's key is made before it opens.
      const crypto = await sealingCrypto(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, actor.orgId);
      const { updated, trail, notices, survey } = await withOrg(c.var.db, actor.orgId, async (tx) => {
        const updated = await updateConversation(tx, crypto, actor, conversation, body);
        // Resolved by a person: the customer may be asked how it went (only here; merging duplicates resolves silently).
        const survey = updated.status === 'resolved' && conversation.status !== 'resolved' ? await askSurvey(tx, crypto, actor.orgId, updated) : null;
        return { updated, survey, ...(await recordChanges(tx, actor, conversation, updated)) };
      });
      await publishNotifications(c.env, actor.orgId, notices, c.var.log);
      if (survey) {
        // The outbound sweeper sends messages left queued, so a lost enqueue only delays the question.
        await c.env.OUTBOUND_QUEUE.send({ type: 'outbound.send', organizationId: actor.orgId, messageId: survey.id }, { contentType: 'json' }).catch((err: unknown) =>
          c.var.log.warn('survey question not queued; the sweeper will send it', errorFields(err)),
        );
      }
      if (updated.assigneeId !== conversation.assigneeId || updated.departmentId !== conversation.departmentId) {
        await closeReassignedSockets(c.env, actor.orgId, conversation.id, updated, c.var.log);
      }
      // The room too: the open chat shows status and assignee, and the trail's events.
      await notifyStored(c.env, c.var.db, actor.orgId, { created: survey ? [...trail, survey] : trail, updated: [], conversationIds: [conversation.id], toRooms: true }, c.var.log);
      await emitEvents(c.env, actor.orgId, conversationChangeEvents(conversation, updated), c.var.log);
      return c.json({ conversation: updated }, 200);
    },
  );
}

function registerMessages(app: ApiApp) {
  openapi(
    app,
    createRoute({ method: 'get', path: '/api/v1/conversations/{id}/messages', tags, summary: 'Messages, newest first', request: { params: idParam, query: pageQuery }, responses: { 200: json(pageOf(Message), 'A page of messages'), ...errors(404) } }),
    async (c) => {
      const actor = c.var.actor;
      const conversation = await visibleConversation(c, c.req.valid('param').id);
      const q = c.req.valid('query');
      const crypto = contentCrypto(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, actor.orgId);
      const rows = await withOrg(c.var.db, actor.orgId, (tx) => listMessages(tx, crypto, actor.orgId, conversation.id, decodeCursor(q.cursor), q.limit));
      return c.json(page(rows, q.limit, (m) => ({ createdAt: m.at, id: m.id })), 200);
    },
  );

  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/conversations/{id}/messages',
      tags,
      summary: 'Reply (or write a private note); Idempotency-Key or clientId makes a retry safe',
      request: { params: idParam, ...jsonBody(sendMessageBody) },
      responses: {
        202: json(z.object({ message: Message }), 'Stored and queued for sending'),
        200: json(z.object({ message: Message }), 'Already stored under this clientId'),
        ...errors(404, 409, 422, 503),
      },
    }),
    async (c) => {
      const actor = c.var.actor;
      const conversation = await visibleConversation(c, c.req.valid('param').id, 'conversation.reply');
      const body = c.req.valid('json');
      const clientId = body.clientId ?? c.req.header('idempotency-key')?.slice(0, 100);
      const crypto = await sealingCrypto(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, actor.orgId);
      const { message, created, trail, notices } = await withOrg(c.var.db, actor.orgId, (tx) => storeOutgoing(tx, crypto, actor, conversation, body, clientId));
      await publishNotifications(c.env, actor.orgId, notices, c.var.log);
      if (!created) return c.json({ message: messageDto(message) }, 200);
      if (!message.isPrivate) await enqueueOrUndo(c, message.id);
      // Replying took the conversation (assign on reply): colleagues who can no longer see it are let go, and the chat
      // shows the new assignee and the trail's event.
      if (trail.length) await closeReassignedSockets(c.env, actor.orgId, conversation.id, { assigneeId: actor.userId }, c.var.log);
      await notifyStored(c.env, c.var.db, actor.orgId, { created: [message, ...trail], updated: [], conversationIds: [conversation.id], toRooms: trail.length > 0 }, c.var.log);
      await emitEvents(c.env, actor.orgId, [{ type: 'message.created', data: messageDto(message) }], c.var.log);
      return c.json({ message: messageDto(message) }, 202);
    },
  );

}
