// Outbound reactions: tell WhatsApp the organisation's current reaction on a message (reading it at send time, so
// jobs delivered out of order still end on the latest state). The wamid Meta returns is kept on the reaction, which
// also marks it sent (a redelivered job skips it). Like messages (queues/outbound.ts), a delivery claims the reaction
// before the Graph call and a delivery that finds it claimed sends nothing; unlike a message, sending the same
// reaction twice changes nothing for the customer, so a send without an answer is simply retried and the sweeper
// re-sends one whose claim expired. Removing a reaction ("") has no row to claim and is equally harmless to repeat.
// A reaction Meta refuses for good is taken back off the message.
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../worker/db/client';
import { channels, contacts, conversations, messageColumns, messageReactions, messages } from '../worker/db/schema';
import { withOrg } from '../worker/db/tx';
import { claimReactionSend, recordReactionSent, releaseReactionClaim } from '../worker/domain/outbound';
import type { Env } from '../worker/env';
import { errorFields, type Logger } from '../worker/lib/log';
import { GraphError } from '../worker/whatsapp/graph';
import { providerFor } from '../worker/whatsapp/provider';
import type { Typed } from '.';
import { retryBase, retryDelay } from './retry';
import { notifyStored } from '../worker/realtime/notify';
import { OUTBOUND_MAX_ATTEMPTS } from './outbound';

export async function sendReactionBatch(items: Typed<'outbound.reaction'>[], env: Env, db: Db, log: Logger): Promise<void> {
  for (const { message, body } of items) {
    const { organizationId: orgId, messageId } = body;
    const found = await withOrg(db, orgId, async (tx) => {
      const [row] = await tx
        .select({
          wamid: messages.providerMessageId,
          direction: messages.direction,
          waId: contacts.waId,
          channel: { id: channels.id, provider: channels.provider, phoneNumberId: channels.phoneNumberId, instanceName: channels.instanceName, token: channels.accessTokenEnc, status: channels.status },
        })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .innerJoin(contacts, eq(contacts.id, conversations.contactId))
        .innerJoin(channels, eq(channels.id, conversations.channelId))
        .where(and(eq(messages.organizationId, orgId), eq(messages.id, messageId)));
      const [reaction] = await tx
        .select({ id: messageReactions.id, emoji: messageReactions.emoji, sentAs: messageReactions.providerMessageId })
        .from(messageReactions)
        .where(and(eq(messageReactions.organizationId, orgId), eq(messageReactions.messageId, messageId), isNotNull(messageReactions.userId)));
      return row && { ...row, reaction };
    });
    // Gone, or this reaction already went out (a redelivery, or a later job sent the same state): nothing to do.
    if (!found?.wamid || found.reaction?.sentAs) {
      message.ack();
      continue;
    }
    const emoji = found.reaction?.emoji ?? '';
    const attemptId = crypto.randomUUID();
    const reaction = found.reaction;
    if (reaction && !(await withOrg(db, orgId, (tx) => claimReactionSend(tx, orgId, reaction.id, attemptId)))) {
      message.ack();
      continue;
    }
    try {
      if (!found.waId) throw new GraphError(400, 0, { code: 0, title: 'Channel unavailable', reason: 'O contato não tem WhatsApp.', retryable: false }, null);
      const provider = await providerFor(env, found.channel);
      const wamid = await provider.react(found.waId, { wamid: found.wamid, fromMe: found.direction === 'outbound' }, emoji);
      if (reaction && wamid) await withOrg(db, orgId, (tx) => recordReactionSent(tx, orgId, reaction.id, attemptId, wamid));
      message.ack();
    } catch (err) {
      const graph = err instanceof GraphError ? err : null;
      if ((graph ? graph.retryable : true) && message.attempts < OUTBOUND_MAX_ATTEMPTS) {
        log.warn('reaction send failed; will retry', { ...errorFields(err), messageId, attempts: message.attempts });
        if (reaction) await withOrg(db, orgId, (tx) => releaseReactionClaim(tx, orgId, reaction.id, attemptId)).catch(() => {});
        message.retry({ delaySeconds: retryDelay(message.attempts, retryBase(env)) });
        continue;
      }
      log.warn('reaction failed', { messageId, code: graph?.code });
      message.ack();
      if (!found.reaction) continue;
      // The customer never saw it: take it back off the message (unless an agent changed it meanwhile).
      const updated = await withOrg(db, orgId, async (tx) => {
        const removed = await tx
          .delete(messageReactions)
          .where(and(eq(messageReactions.organizationId, orgId), eq(messageReactions.id, found.reaction!.id), eq(messageReactions.emoji, emoji)))
          .returning({ id: messageReactions.id });
        if (removed.length === 0) return undefined;
        const [touched] = await tx.update(messages).set({ updatedAt: new Date() }).where(and(eq(messages.organizationId, orgId), eq(messages.id, messageId))).returning(messageColumns);
        return touched;
      });
      if (updated) await notifyStored(env, db, orgId, { created: [], updated: [updated], conversationIds: [] }, log);
    }
  }
}
