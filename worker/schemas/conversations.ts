// Conversations and their messages as the API gives them (REST, and the same shapes in realtime events): the inbox
// row, the open chat, a message (worker/domain/dto.ts messageDto).
import { z } from 'zod';
import { channelProviderEnum, conversationStatusEnum, mediaStatusEnum, messageDirectionEnum, messageKindEnum, messageStatusEnum } from '../db/schema/enums';
import { limitParam } from '../lib/cursor';
import { instant } from '../openapi/responses';
import { LabelRef } from './labels';

export const CONVERSATION_SORTS = ['last_message', 'waiting', 'created'] as const;
export const conversationListQuery = z.object({
  // Newest last message first (default), oldest unanswered customer message first, or newest created first.
  sort: z.enum(CONVERSATION_SORTS).default('last_message'),
  status: z.enum(conversationStatusEnum.enumValues).optional(),
  assignee: z.union([z.literal('me'), z.literal('unassigned'), z.uuid()]).optional(),
  department: z.union([z.literal('none'), z.uuid()]).optional(),
  label: z.uuid().optional(),
  cursor: z.string().max(200).optional(),
  limit: limitParam,
});
export const pageQuery = z.object({ cursor: z.string().max(200).optional(), limit: limitParam });

export const Message = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    direction: z.enum(messageDirectionEnum.enumValues),
    kind: z.enum(messageKindEnum.enumValues),
    /** A note for colleagues, never sent to the customer. */
    isPrivate: z.boolean(),
    body: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
    media: z
      .object({
        status: z.enum(mediaStatusEnum.enumValues),
        mimeType: z.string().nullable(),
        size: z.number().int().nullable(),
        filename: z.string().nullable(),
        /** Set once stored: GET it with the access token. */
        url: z.string().nullable(),
      })
      .nullable(),
    providerMessageId: z.string().nullable(),
    replyToMessageId: z.uuid().nullable(),
    replyToProviderId: z.string().nullable(),
    status: z.enum(messageStatusEnum.enumValues),
    error: z.object({ code: z.number().int().nullable(), title: z.string().nullable(), detail: z.string().nullable() }).nullable(),
    senderUserId: z.uuid().nullable(),
    clientId: z.string().nullable(),
    reactions: z.array(z.object({ emoji: z.string(), contactId: z.uuid().nullable(), userId: z.uuid().nullable() })),
    providerTimestamp: instant.nullable(),
    /** The message's time: WhatsApp's for a customer's message, arrival otherwise; the chat orders by it. */
    at: instant,
    sentAt: instant.nullable(),
    deliveredAt: instant.nullable(),
    readAt: instant.nullable(),
    failedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
    deletedAt: instant.nullable(),
    /** Marked important (by whom): retention keeps the conversation while it has such a message. */
    importantAt: instant.nullable(),
    importantBy: z.uuid().nullable(),
  })
  .meta({ id: 'Message' });

/** A row of the inbox (GET /api/v1/conversations), and the data of `conversation.updated` events. */
export const ConversationRow = z
  .object({
    id: z.uuid(),
    status: z.enum(conversationStatusEnum.enumValues),
    assigneeId: z.uuid().nullable(),
    /** The department's queue it waits in (null: the general queue). */
    departmentId: z.uuid().nullable(),
    /** Written outside the channel's business hours. */
    outOfHoursAt: instant.nullable(),
    /** The menu bot is still talking with the customer. */
    botActive: z.boolean(),
    channelId: z.uuid(),
    lastMessageAt: instant.nullable(),
    lastMessagePreview: z.string().nullable(),
    /** The oldest customer message not answered yet; null once an agent replied. */
    waitingSince: instant.nullable(),
    lastInboundAt: instant.nullable(),
    /** The reader's own count. */
    unreadCount: z.number().int(),
    /** Each member's own count once they opened it. */
    unreadBy: z.record(z.string(), z.number().int()),
    important: z.boolean(),
    contact: z.object({ id: z.uuid(), name: z.string().nullable(), profileName: z.string().nullable(), phone: z.string().nullable(), waId: z.string().nullable() }),
    labels: z.array(LabelRef),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'ConversationRow' });

export const ConversationDetail = ConversationRow.extend({
  snoozedUntil: instant.nullable(),
  /** Evolution (WhatsApp Web) numbers: no 24-hour rule, no templates. */
  channel: z.object({ provider: z.enum(channelProviderEnum.enumValues), window24h: z.boolean(), templates: z.boolean() }),
  /** The satisfaction survey: null when never asked; rating null while unanswered. */
  csat: z.object({ rating: z.number().int().nullable(), comment: z.string().nullable(), askedAt: instant, answeredAt: instant.nullable() }).nullable(),
  window: z.object({ open: z.boolean(), applies: z.boolean(), expiresAt: instant.nullable() }),
}).meta({ id: 'ConversationDetail' });

/** The conversation as stored, as PATCH answers it. */
export const ConversationRecord = z
  .object({
    id: z.uuid(),
    channelId: z.uuid(),
    contactId: z.uuid(),
    status: z.enum(conversationStatusEnum.enumValues),
    assigneeId: z.uuid().nullable(),
    departmentId: z.uuid().nullable(),
    snoozedUntil: instant.nullable(),
    lastInboundAt: instant.nullable(),
    lastMessageAt: instant.nullable(),
    lastMessagePreview: z.string().nullable(),
    unreadCount: z.number().int(),
    important: z.boolean(),
    resolvedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Conversation' });

export type Message = z.infer<typeof Message>;
export type ConversationRow = z.infer<typeof ConversationRow>;
export type ConversationDetail = z.infer<typeof ConversationDetail>;
