// An agent read a conversation: unread goes to zero and, for WhatsApp, the customer's last message is marked read
// upstream (blue ticks on the customer's phone). Used by REST and by the conversation room's "read" command.
import { and, desc, eq } from 'drizzle-orm';
import { notifyStored } from '../../queues/notify';
import type { Db } from '../db/client';
import { channels, conversations, messages } from '../db/schema';
import { withOrg } from '../db/tx';
import type { Env } from '../env';
import { errorFields, type Logger } from '../lib/log';
import { channelSecret, open } from '../lib/secret-box';
import { markRead } from '../whatsapp/graph';

export async function markConversationRead(env: Env, db: Db, orgId: string, conversationId: string, log: Logger): Promise<boolean> {
  const found = await withOrg(db, orgId, async (tx) => {
    const [conv] = await tx
      .update(conversations)
      .set({ unreadCount: 0 })
      .where(and(eq(conversations.organizationId, orgId), eq(conversations.id, conversationId)))
      .returning({ id: conversations.id, channelId: conversations.channelId });
    if (!conv) return null;
    const [last] = await tx
      .select({ wamid: messages.providerMessageId })
      .from(messages)
      .where(and(eq(messages.organizationId, orgId), eq(messages.conversationId, conversationId), eq(messages.direction, 'inbound')))
      .orderBy(desc(messages.createdAt))
      .limit(1);
    const [channel] = await tx.select().from(channels).where(eq(channels.id, conv.channelId));
    return { wamid: last?.wamid ?? null, channel };
  });
  if (!found) return false;
  if (found.wamid && found.channel?.accessTokenEnc && found.channel.phoneNumberId && found.channel.status === 'active') {
    try {
      const cfg = { baseUrl: env.META_GRAPH_BASE_URL, accessToken: await open(env, found.channel.accessTokenEnc, channelSecret(found.channel.id)) };
      await markRead(cfg, found.channel.phoneNumberId, found.wamid);
    } catch (err) {
      // The receipt is a courtesy to the customer; our own read state is already saved.
      log.warn('read receipt to WhatsApp failed', errorFields(err));
    }
  }
  await notifyStored(env, db, orgId, { created: [], updated: [], conversationIds: [conversationId] }, log);
  return true;
}
