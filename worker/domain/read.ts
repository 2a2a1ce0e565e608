// A member read a conversation: it is read for them only. When the reader is the one answering it (the assignee, or
// anyone while it is unassigned), the conversation's own unread count clears and, for WhatsApp, the customer's last
// message is marked read upstream (blue ticks on the customer's phone) — a manager glancing at a chat does not tell
// the customer "seen". Used by REST and by the conversation room's "read" command.
import { and, desc, eq } from 'drizzle-orm';
import { notifyStored } from '../realtime/notify';
import type { Db } from '../db/client';
import { channels, contacts, conversations, messages } from '../db/schema';
import { withOrg } from '../db/tx';
import type { Env } from '../env';
import { errorFields, type Logger } from '../lib/log';
import { providerFor } from '../whatsapp/provider';
import { markReadBy } from './conversation-reads';

export async function markConversationRead(env: Env, db: Db, orgId: string, conversationId: string, userId: string, log: Logger): Promise<boolean> {
  const found = await withOrg(db, orgId, async (tx) => {
    const [conv] = await tx
      .select({ id: conversations.id, channelId: conversations.channelId, contactId: conversations.contactId, assigneeId: conversations.assigneeId })
      .from(conversations)
      .where(and(eq(conversations.organizationId, orgId), eq(conversations.id, conversationId)));
    if (!conv) return null;
    await markReadBy(tx, orgId, conversationId, userId);
    if (conv.assigneeId !== null && conv.assigneeId !== userId) return { wamid: null, waId: null, channel: undefined };
    await tx
      .update(conversations)
      .set({ unreadCount: 0 })
      .where(and(eq(conversations.organizationId, orgId), eq(conversations.id, conversationId)));
    const [last] = await tx
      .select({ wamid: messages.providerMessageId, waId: contacts.waId })
      .from(messages)
      .innerJoin(contacts, eq(contacts.id, conv.contactId))
      .where(and(eq(messages.organizationId, orgId), eq(messages.conversationId, conversationId), eq(messages.direction, 'inbound')))
      .orderBy(desc(messages.createdAt))
      .limit(1);
    const [channel] = await tx.select().from(channels).where(eq(channels.id, conv.channelId));
    return { wamid: last?.wamid ?? null, waId: last?.waId ?? null, channel };
  });
  if (!found) return false;
  if (found.wamid && found.waId && found.channel?.status === 'active') {
    try {
      const provider = await providerFor(env, { ...found.channel, token: found.channel.accessTokenEnc });
      await provider.markRead(found.waId, found.wamid);
    } catch (err) {
      // The receipt is a courtesy to the customer; our own read state is already saved.
      log.warn('read receipt to WhatsApp failed', errorFields(err));
    }
  }
  await notifyStored(env, db, orgId, { created: [], updated: [], conversationIds: [conversationId] }, log);
  return true;
}
