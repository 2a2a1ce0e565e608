// Every queue body is an envelope with a `type`, so the dead-letter consumer knows where a message came from.
import { z } from 'zod';

export const QUEUE_NAMES = {
  ingest: 'conversa-ingest',
  outbound: 'conversa-outbound',
  deadLetter: 'conversa-dlq',
} as const;

export const metaWebhookMessage = z
  .object({
    type: z.literal('meta.webhook'),
    /** The raw request body, kept byte for byte until the consumer has stored it… */
    body: z.string().optional(),
    /** …or, when too large for a queue message, the R2 key where it waits. */
    bodyKey: z.string().optional(),
    receivedAt: z.string(),
    requestId: z.string().optional(),
  })
  .refine((m) => Boolean(m.body) !== Boolean(m.bodyKey), 'exactly one of body and bodyKey');

/** Download an inbound media file from the Graph API into R2 (retried on its own, apart from the message). */
export const mediaFetchMessage = z.object({
  type: z.literal('media.fetch'),
  organizationId: z.uuid(),
  messageId: z.uuid(),
});

export const outboundSendMessage = z.object({
  type: z.literal('outbound.send'),
  organizationId: z.uuid(),
  messageId: z.uuid(),
});

/** Bring WhatsApp in line with the organisation's reaction on a message (the consumer reads the current one). */
export const outboundReactionMessage = z.object({
  type: z.literal('outbound.reaction'),
  organizationId: z.uuid(),
  messageId: z.uuid(),
});

export const queueMessage = z.discriminatedUnion('type', [metaWebhookMessage, mediaFetchMessage, outboundSendMessage, outboundReactionMessage]);
export type QueueMessage = z.infer<typeof queueMessage>;
export type MetaWebhookMessage = z.infer<typeof metaWebhookMessage>;
