// An agent's reply: checked against the 24 h window, stored as queued (idempotent per client id), then handed to
// the outbound queue. Private notes are stored only.
import { inc } from '../metrics/recorder';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor';
import { conversations, messageColumns, messages, organizations, type Conversation, type Message } from '../db/schema';
import type { Tx } from '../db/tx';
import { ApiError } from '../errors';
import type { SendMessageBody } from '../schemas/messages';
import { recordActivity } from './activity';
import { createNotifications, mentionedMembers, type NotificationDto } from './notifications';
import { capabilitiesOf } from './channels';
import { windowOpen } from './conversations';
import { previewText } from './preview';
import { templateText } from './template-text';
import { markReadBy } from './conversation-reads';
import { openMessageBodies, previewContext, sealedMessageBody, type ContentCrypto } from './content-crypto';
import { bodyOpener } from './sealing-crypto';

/** Where agents' uploads wait in R2 until they are sent; scoped per organisation. */
export const outboundMediaPrefix = (orgId: string) => `outbound/${orgId}/`;

/**
 * `automatic`: sent for the actor by the system (a scheduled message at its time), not typed now — so it neither reads
 * the conversation for them nor takes it on reply. The body and the list's preview are stored sealed with `crypto`
 * (its key made before the transaction: sealing-crypto.ts); the message returned carries the plaintext.
 */
export async function storeOutgoing(tx: Tx, crypto: ContentCrypto, actor: Actor, conversation: Conversation, body: SendMessageBody, clientId?: string, opts: { automatic?: boolean } = {}) {
  if (clientId) {
    const [existing] = await tx
      .select(messageColumns)
      .from(messages)
      .where(and(eq(messages.organizationId, actor.orgId), eq(messages.clientId, clientId)));
    if (existing) {
      await openMessageBodies(crypto, [existing]);
      return { message: existing, created: false, trail: [] as Message[], notices: [] as NotificationDto[] };
    }
  }
  const freeForm = body.type !== 'template' && body.type !== 'note';
  const channel = await capabilitiesOf(tx, actor.orgId, conversation.channelId);
  if (body.type === 'template' && !channel.templates) {
    throw new ApiError(422, 'templates_unsupported', 'This number is connected through WhatsApp Web (Evolution): it has no templates; send a message instead');
  }
  if (freeForm && channel.window24h && !windowOpen(conversation.lastInboundAt)) {
    throw new ApiError(
      422,
      'window_closed',
      'The 24-hour customer service window is closed: only an approved template can start the conversation again',
    );
  }
  const isNote = body.type === 'note';
  // An uploaded file must be this organisation's: keys are not secrets.
  if ('media' in body && 'key' in body.media && !body.media.key.startsWith(outboundMediaPrefix(actor.orgId))) {
    throw new ApiError(422, 'invalid_media', 'Unknown upload');
  }
  if ('replyToMessageId' in body && body.replyToMessageId) {
    const [quoted] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.organizationId, actor.orgId), eq(messages.conversationId, conversation.id), eq(messages.id, body.replyToMessageId)));
    if (!quoted) throw new ApiError(422, 'reply_target_not_found', 'The quoted message is not part of this conversation');
  }
  // "@Bruno" in a private note tells Bruno (his notification centre, live).
  const mentions = body.type === 'note' ? await mentionedMembers(tx, actor.orgId, body.text, actor.userId) : [];
  const text =
    body.type === 'text' || body.type === 'note'
      ? body.text
      : body.type === 'template'
        ? await templateText(tx, actor.orgId, conversation.channelId, body.template)
        : (body.caption ?? null);
  const sealed = await sealedMessageBody(crypto, text);
  const values = {
    ...sealed,
    organizationId: actor.orgId,
    conversationId: conversation.id,
    direction: 'outbound' as const,
    senderUserId: actor.userId,
    clientId: clientId ?? null,
    isPrivate: isNote,
    // Notes never leave Conversa; "sent" is as far as they go.
    status: isNote ? ('sent' as const) : ('queued' as const),
    replyToMessageId: 'replyToMessageId' in body ? (body.replyToMessageId ?? null) : null,
    ...(body.type === 'text' || body.type === 'note'
      ? { kind: 'text' as const, ...(mentions.length && { payload: { mentions } }) }
      : body.type === 'template'
        ? { kind: 'template' as const, payload: { template: body.template } }
        : {
            kind: body.type,
            payload: { media: 'link' in body.media ? { link: body.media.link } : { key: body.media.key }, ...(body.type === 'audio' && body.voice && { voice: true }) },
            ...('key' in body.media ? { mediaKey: body.media.key, mediaStatus: 'stored' as const } : {}),
            mediaFilename: body.media.filename ?? null,
          }),
  };
  const [message] = await tx.insert(messages).values(values).returning(messageColumns);
  message!.body = text;
  // The preview is sealed too, for the organisation (it comes from whichever message is latest).
  const preview = isNote ? null : await crypto.seal(previewText(message!.kind, text), previewContext(actor.orgId));
  inc('conversa_messages_stored_total', { direction: message!.direction });
  // A private note is not part of the customer conversation: the list keeps the last message the customer saw
  // (its time and preview). Anything else sent is the answer the customer was waiting for.
  await tx
    .update(conversations)
    .set({
      ...(isNote
        ? {}
        : {
            lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${message!.createdAt.toISOString()}::timestamptz)`,
            lastMessagePreview: sql`case when ${conversations.lastMessageAt} is null or ${conversations.lastMessageAt} <= ${message!.createdAt.toISOString()}::timestamptz
              then ${preview} else ${conversations.lastMessagePreview} end`,
            waitingSince: null,
            // Replying is reading: the agent has seen what they answer.
            ...(opts.automatic ? {} : { unreadCount: 0 }),
          }),
      updatedAt: new Date(),
    })
    .where(and(eq(conversations.organizationId, actor.orgId), eq(conversations.id, conversation.id)));
  const replied = !isNote && !opts.automatic;
  if (replied) await markReadBy(tx, actor.orgId, conversation.id, actor.userId);
  const trail = replied ? await takeOnReply(tx, actor, conversation) : [];
  const notices = await createNotifications(
    tx,
    actor.orgId,
    mentions.map((userId) => ({ userId, kind: 'mention' as const, conversationId: conversation.id, messageId: message!.id, actorUserId: actor.userId })),
    bodyOpener(crypto),
  );
  return { message: message as Message, created: true, trail, notices };
}

/**
 * Replying to an unassigned conversation makes the replier its assignee (organisation setting, on by default): the
 * customer now talks to someone, and colleagues see who. Returns the trail's event when it happens.
 */
async function takeOnReply(tx: Tx, actor: Actor, conversation: Conversation): Promise<Message[]> {
  if (conversation.assigneeId !== null) return [];
  const [org] = await tx.select({ assignOnReply: organizations.assignOnReply }).from(organizations).where(eq(organizations.id, actor.orgId));
  if (!org?.assignOnReply) return [];
  const [taken] = await tx
    .update(conversations)
    .set({ assigneeId: actor.userId, updatedAt: new Date() })
    .where(and(eq(conversations.organizationId, actor.orgId), eq(conversations.id, conversation.id), isNull(conversations.assigneeId)))
    .returning({ id: conversations.id });
  return taken ? [await recordActivity(tx, actor, conversation.id, { type: 'assigned', to: actor.userId })] : [];
}

/** Undoes a stored outgoing message that could not be queued: not queued means not sent, and a retry starts clean. */
export async function discardUnqueued(tx: Tx, orgId: string, messageId: string) {
  await tx.delete(messages).where(and(eq(messages.organizationId, orgId), eq(messages.id, messageId)));
}
