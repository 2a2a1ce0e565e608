// POST /api/v1/conversations/:id/messages/:messageId/reactions: the business reacts to a message (one reaction per
// organisation per message, as WhatsApp allows; "" removes it). Same access as replying; sent through the outbound
// queue as a Graph "reaction" message.
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { notifyStored } from '../realtime/notify';
import { notFoundAudited } from '../db/cross-tenant';
import { withOrg } from '../db/tx';
import { messageWithReactions, reactToMessage, restoreReaction } from '../domain/reactions';
import { contentCrypto } from '../domain/content-crypto';
import { ApiError } from '../errors';
import { errorFields } from '../lib/log';
import { openapi, type ApiApp } from '../openapi/route';
import { errors, json, jsonBody } from '../openapi/responses';
import { Message } from '../schemas/conversations';
import { reactionBody } from '../schemas/messages';
import { visibleConversation } from './conversations';

const params = z.object({ id: z.uuid(), messageId: z.uuid() });

export function registerReactions(app: ApiApp) {
  openapi(
    app,
    createRoute({
      method: 'post',
      path: '/api/v1/conversations/{id}/messages/{messageId}/reactions',
      tags: ['Conversations'],
      summary: 'React to a message ("" removes the reaction)',
      request: { params, ...jsonBody(reactionBody) },
      responses: { 202: json(z.object({ message: Message }), 'Stored and queued for WhatsApp'), ...errors(404, 422, 503) },
    }),
    async (c) => {
      const actor = c.var.actor;
      const { id, messageId } = c.req.valid('param');
      const conversation = await visibleConversation(c, id, 'conversation.reply');
      const { emoji } = c.req.valid('json');
      const result = await withOrg(c.var.db, actor.orgId, (tx) => reactToMessage(tx, actor, conversation, messageId, emoji));
      // Not this organisation's message: 404 (audited when it is another's).
      if (!result) return notFoundAudited(c, 'message', messageId);
      const message = result.message;
      if (result.changed) {
        try {
          await c.env.OUTBOUND_QUEUE.send({ type: 'outbound.reaction', organizationId: actor.orgId, messageId }, { contentType: 'json' });
        } catch (err) {
          // Not queued means WhatsApp would never hear of it: put the previous reaction back.
          c.var.log.error('reaction enqueue failed', errorFields(err));
          await withOrg(c.var.db, actor.orgId, (tx) => restoreReaction(tx, actor.orgId, messageId, result.previous));
          throw new ApiError(503, 'enqueue_failed', 'Could not queue the reaction now; try again');
        }
        await notifyStored(c.env, c.var.db, actor.orgId, { created: [], updated: [message], conversationIds: [] }, c.var.log);
      }
      const crypto = contentCrypto(c.var.db, c.env.ENCRYPTION_MASTER_KEYS, actor.orgId);
      const dto = await withOrg(c.var.db, actor.orgId, (tx) => messageWithReactions(tx, crypto, actor.orgId, message));
      return c.json({ message: dto }, 202);
    },
  );
}
