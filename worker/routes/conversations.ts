// /api/v1/conversations: the inbox list, one conversation, its messages, replies, and assignment/status.
import { and, eq } from 'drizzle-orm';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { notifyStored, publishNotifications } from '../realtime/notify';
import { authorize } from '../auth/policy';
import { notFoundAudited } from '../db/cross-tenant';
import { channels, contacts, conversations, messages } from '../db/schema';
import { withOrg } from '../db/tx';
import { CONVERSATION_SORTS, conversationSummaries, findConversation, listConversations, listMessages, windowOpen, WINDOW_MS } from '../domain/conversations';
import { capabilitiesOf } from '../domain/channels';
import { messageDto } from '../domain/dto';
import { storeOutgoing } from '../domain/send';
import { startConversation } from '../domain/start-conversation';
import { updateConversation } from '../domain/assignment';
import { recordChanges } from '../domain/activity';
import { closeReassignedSockets } from '../realtime/close-reassigned';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { decodeCursor, limitParam, page } from '../lib/cursor';
import { errorFields } from '../lib/log';
import { validate } from '../middleware/validate';
import { askSurvey, conversationSurvey } from '../service-desk/csat';
import { sendMessageBody, startConversationBody, updateConversationBody } from '../schemas/messages';
import { conversationChangeEvents } from '../webhooks-out/conversation-events';
import { emitEvents } from '../webhooks-out/emit';

const idParam = z.object({ id: z.uuid() });
const listQuery = z.object({
  // Newest last message first (default), oldest unanswered customer message first, or newest created first.
  sort: z.enum(CONVERSATION_SORTS).default('last_message'),
  status: z.enum(['open', 'pending', 'resolved', 'snoozed']).optional(),
  assignee: z.union([z.literal('me'), z.literal('unassigned'), z.uuid()]).optional(),
  department: z.union([z.literal('none'), z.uuid()]).optional(),
  label: z.uuid().optional(),
  cursor: z.string().max(200).optional(),
  limit: limitParam,
});
const pageQuery = z.object({ cursor: z.string().max(200).optional(), limit: limitParam });

/** Loads a conversation the actor may see: other tenants' ids are 404 (audited), others' chats 403 for agents. */
export async function visibleConversation(c: Context<AppEnv>, id: string, action: 'conversation.read' | 'conversation.reply' | 'conversation.update' = 'conversation.read') {
  const actor = c.var.actor;
  const conversation = await withOrg(c.var.db, actor.orgId, (tx) => findConversation(tx, actor.orgId, id));
  if (!conversation) return notFoundAudited(c, conversations, conversations.id, id, 'conversation');
  authorize(actor, action, conversation);
  return conversation;
}

export function registerConversations(app: Hono<AppEnv>) {
  app.get('/api/v1/conversations', validate('query', listQuery), async (c) => {
    const actor = c.var.actor;
    const q = c.req.valid('query');
    const rows = await withOrg(c.var.db, actor.orgId, (tx) =>
      listConversations(tx, actor, { sort: q.sort, status: q.status, assignee: q.assignee, department: q.department, label: q.label, cursor: decodeCursor(q.cursor), limit: q.limit }),
    );
    const { data, nextCursor } = page(rows, q.limit, (r) => ({ createdAt: r.sortAt, id: r.id }));
    return c.json({ data: data.map(({ sortAt: _, ...rest }) => rest), nextCursor });
  });

  // Starts (or continues) a conversation from our side: a contact or a typed number, a channel, a first message.
  app.post('/api/v1/conversations', validate('json', startConversationBody), async (c) => {
    const actor = c.var.actor;
    authorize(actor, 'conversations.start');
    const body = c.req.valid('json');
    const result = await withOrg(c.var.db, actor.orgId, (tx) => startConversation(tx, actor, body));
    if (result.kind === 'missing') {
      return result.what === 'channel'
        ? notFoundAudited(c, channels, channels.id, body.channelId, 'channel')
        : notFoundAudited(c, contacts, contacts.id, body.contactId!, 'contact');
    }
    const { message, conversationId } = result;
    if (message.status === 'queued' && !message.providerMessageId) {
      try {
        await c.env.OUTBOUND_QUEUE.send({ type: 'outbound.send', organizationId: actor.orgId, messageId: message.id }, { contentType: 'json' });
      } catch (err) {
        c.var.log.error('outbound enqueue failed', errorFields(err));
        await withOrg(c.var.db, actor.orgId, (tx) => tx.delete(messages).where(and(eq(messages.organizationId, actor.orgId), eq(messages.id, message.id))));
        throw new ApiError(503, 'enqueue_failed', 'Could not queue the message now; try again');
      }
    }
    await notifyStored(c.env, c.var.db, actor.orgId, { created: [message, ...result.trail], updated: [], conversationIds: [conversationId], toRooms: true }, c.var.log);
    const [summary] = await withOrg(c.var.db, actor.orgId, (tx) => conversationSummaries(tx, actor.orgId, [conversationId], actor.userId));
    await emitEvents(c.env, actor.orgId, [...(result.created ? [{ type: 'conversation.created' as const, data: summary }] : []), { type: 'message.created', data: messageDto(message) }], c.var.log);
    return c.json({ conversation: summary, message: messageDto(message), created: result.created }, result.created ? 201 : 200);
  });

  app.get('/api/v1/conversations/:id', validate('param', idParam), async (c) => {
    const actor = c.var.actor;
    const conversation = await visibleConversation(c, c.req.valid('param').id);
    const [[summary], channel, csat] = await withOrg(c.var.db, actor.orgId, (tx) =>
      Promise.all([
        conversationSummaries(tx, actor.orgId, [conversation.id], actor.userId),
        capabilitiesOf(tx, actor.orgId, conversation.channelId),
        conversationSurvey(tx, actor.orgId, conversation.id),
      ]),
    );
    // Evolution (WhatsApp Web) has no 24-hour rule: always open, never expiring.
    const open = !channel.window24h || windowOpen(conversation.lastInboundAt);
    return c.json({
      conversation: {
        ...summary,
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
    });
  });

  app.get('/api/v1/conversations/:id/messages', validate('param', idParam), validate('query', pageQuery), async (c) => {
    const actor = c.var.actor;
    const conversation = await visibleConversation(c, c.req.valid('param').id);
    const q = c.req.valid('query');
    const rows = await withOrg(c.var.db, actor.orgId, (tx) => listMessages(tx, actor.orgId, conversation.id, decodeCursor(q.cursor), q.limit));
    return c.json(page(rows, q.limit, (m) => ({ createdAt: m.at, id: m.id })));
  });

  app.post('/api/v1/conversations/:id/messages', validate('param', idParam), validate('json', sendMessageBody), async (c) => {
    const actor = c.var.actor;
    const conversation = await visibleConversation(c, c.req.valid('param').id, 'conversation.reply');
    const body = c.req.valid('json');
    const clientId = body.clientId ?? c.req.header('idempotency-key')?.slice(0, 100);
    const { message, created, trail, notices } = await withOrg(c.var.db, actor.orgId, (tx) => storeOutgoing(tx, actor, conversation, body, clientId));
    await publishNotifications(c.env, actor.orgId, notices, c.var.log);
    if (!created) return c.json({ message: messageDto(message) }, 200);
    if (!message.isPrivate) {
      try {
        await c.env.OUTBOUND_QUEUE.send({ type: 'outbound.send', organizationId: actor.orgId, messageId: message.id }, { contentType: 'json' });
      } catch (err) {
        // Not queued means not sent: undo, so the client's retry (same clientId) starts clean.
        c.var.log.error('outbound enqueue failed', errorFields(err));
        await withOrg(c.var.db, actor.orgId, (tx) =>
          tx.delete(messages).where(and(eq(messages.organizationId, actor.orgId), eq(messages.id, message.id))),
        );
        throw new ApiError(503, 'enqueue_failed', 'Could not queue the message now; try again');
      }
    }
    // Replying took the conversation (assign on reply): colleagues who can no longer see it are let go, and the chat
    // shows the new assignee and the trail's event.
    if (trail.length) await closeReassignedSockets(c.env, actor.orgId, conversation.id, { assigneeId: actor.userId }, c.var.log);
    await notifyStored(c.env, c.var.db, actor.orgId, { created: [message, ...trail], updated: [], conversationIds: [conversation.id], toRooms: trail.length > 0 }, c.var.log);
    await emitEvents(c.env, actor.orgId, [{ type: 'message.created', data: messageDto(message) }], c.var.log);
    return c.json({ message: messageDto(message) }, 202);
  });

  app.patch('/api/v1/conversations/:id', validate('param', idParam), validate('json', updateConversationBody), async (c) => {
    const actor = c.var.actor;
    const conversation = await visibleConversation(c, c.req.valid('param').id, 'conversation.update');
    const body = c.req.valid('json');
    if (body.assigneeId !== undefined && body.assigneeId !== conversation.assigneeId) {
      authorize(actor, 'conversation.assign', { ...conversation, newAssigneeId: body.assigneeId });
    }
    const { updated, trail, notices, survey } = await withOrg(c.var.db, actor.orgId, async (tx) => {
      const updated = await updateConversation(tx, actor, conversation, body);
      // Resolved by a person: the customer may be asked how it went (only here; merging duplicates resolves silently).
      const survey = updated.status === 'resolved' && conversation.status !== 'resolved' ? await askSurvey(tx, actor.orgId, updated) : null;
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
    return c.json({ conversation: updated });
  });
}
