// Every queue body is an envelope with a `type`, so the dead-letter consumer knows where a message came from.
import { z } from 'zod';

export const QUEUE_NAMES = {
  ingest: 'conversa-ingest',
  outbound: 'conversa-outbound',
  deadLetter: 'conversa-dlq',
} as const;

export const metaWebhookMessage = z.object({
  type: z.literal('meta.webhook'),
  /** The raw request body, kept byte for byte until the consumer has stored it. */
  body: z.string(),
  receivedAt: z.string(),
  requestId: z.string().optional(),
});

export const outboundSendMessage = z.object({
  type: z.literal('outbound.send'),
  organizationId: z.uuid(),
  messageId: z.uuid(),
});

export const queueMessage = z.discriminatedUnion('type', [metaWebhookMessage, outboundSendMessage]);
export type QueueMessage = z.infer<typeof queueMessage>;
