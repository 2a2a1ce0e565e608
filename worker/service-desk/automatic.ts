// One automatic message of the service desk (menu bot, business hours, satisfaction survey): an ordinary outbound
// message (queued, statuses, the channel's rate limit), the organisation's (no sender), marked `automatic` with its
// reason, and audited. The caller enqueues and notifies after commit (queues/service-desk.ts).
import { recordAudit } from '../audit/record';
import { messageColumns, messages, type Channel, type Conversation, type Message } from '../db/schema';
import type { Tx } from '../db/tx';
import { inc } from '../metrics/recorder';
import { sealedMessageBody, type ContentCrypto } from '../domain/content-crypto';

/** A WhatsApp group (Evolution): many people talk there; no menu, hours notice or survey is sent into it. */
export const isGroupChat = (waId: string | null) => waId?.endsWith('@g.us') ?? false;

/** The body is stored sealed (`crypto`'s key made before the transaction); the message returned carries the plaintext. */
export async function automatic(
  tx: Tx,
  crypto: ContentCrypto,
  orgId: string,
  c: Conversation,
  channel: Channel,
  body: string,
  interactive: Record<string, unknown> | null,
  reason: string,
): Promise<Message> {
  const sealed = await sealedMessageBody(crypto, body);
  const [m] = await tx
    .insert(messages)
    .values({
      ...sealed,
      organizationId: orgId,
      conversationId: c.id,
      direction: 'outbound',
      kind: interactive ? 'interactive' : 'text',
      status: 'queued',
      senderUserId: null,
      payload: { automatic: reason, ...(interactive && { interactive }) },
    })
    .returning(messageColumns);
  m!.body = body;
  inc('conversa_messages_stored_total', { direction: 'outbound' });
  await recordAudit(tx, {
    action: 'conversation.automatic_message',
    organizationId: orgId,
    actorType: 'system',
    targetType: 'conversation',
    targetId: c.id,
    metadata: { reason, messageId: m!.id, channelId: channel.id },
  });
  return m!;
}
