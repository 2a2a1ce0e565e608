// What the API and the realtime events show of a row: one shape for REST and WebSocket alike.
import type { Message } from '../db/schema';

export const messageTime = (m: Pick<Message, 'providerTimestamp' | 'createdAt'>): Date => m.providerTimestamp ?? m.createdAt;

export function messageDto(m: Message, reactions: { emoji: string; contactId: string | null; userId: string | null }[] = []) {
  return {
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    kind: m.kind,
    isPrivate: m.isPrivate,
    body: m.body,
    payload: m.payload ?? {},
    media:
      m.mediaStatus === 'none'
        ? null
        : {
            status: m.mediaStatus,
            mimeType: m.mediaMime,
            size: m.mediaSize,
            filename: m.mediaFilename,
            url: m.mediaStatus === 'stored' ? `/api/v1/messages/${m.id}/media` : null,
          },
    providerMessageId: m.providerMessageId,
    replyToMessageId: m.replyToMessageId,
    replyToProviderId: m.replyToProviderId,
    status: m.status,
    error: m.errorCode || m.errorTitle ? { code: m.errorCode, title: m.errorTitle, detail: m.errorDetail } : null,
    senderUserId: m.senderUserId,
    clientId: m.clientId,
    // Exactly these fields, whatever the caller's query selected alongside (e.g. messageId).
    reactions: reactions.map(({ emoji, contactId, userId }) => ({ emoji, contactId, userId })),
    providerTimestamp: m.providerTimestamp,
    // The message's time: WhatsApp's for a customer's message, ours (arrival) otherwise. The chat orders by it;
    // createdAt stays the arrival, for audit.
    at: messageTime(m),
    sentAt: m.sentAt,
    deliveredAt: m.deliveredAt,
    readAt: m.readAt,
    failedAt: m.failedAt,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    deletedAt: m.deletedAt,
    importantAt: m.importantAt,
    importantBy: m.importantBy,
  };
}
export type MessageDto = ReturnType<typeof messageDto>;
