// Every queue body is an envelope with a `type`, so the dead-letter consumer knows where a message came from.
import { z } from 'zod';
import { webhookEvent } from '../worker/webhooks-out/events';

export const QUEUE_NAMES = {
  ingest: 'conversa-ingest',
  media: 'conversa-media',
  outbound: 'conversa-outbound',
  deadLetter: 'conversa-dlq',
  dataExport: 'conversa-exports',
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

/** An Evolution API webhook for one channel (the URL's channel id, whose secret header was checked). */
export const evolutionWebhookMessage = z
  .object({
    type: z.literal('evolution.webhook'),
    channelId: z.uuid(),
    body: z.string().optional(),
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

/**
 * Meta accepted a send but the database did not take its wamid: the wamid travels here until it does, so the
 * message is never sent again nor left "unknown" (queues/outbound.ts).
 */
export const outboundRecordMessage = z.object({
  type: z.literal('outbound.record'),
  organizationId: z.uuid(),
  messageId: z.uuid(),
  attemptId: z.uuid(),
  wamid: z.string().min(1),
});

/** Realtime events a room or inbox did not take after a commit: retried here, then the room's sockets resync (queues/redeliver-notifications.ts). */
export const realtimeNotifyMessage = z.object({
  type: z.literal('realtime.notify'),
  organizationId: z.uuid(),
  /** A conversation id, or null for the organisation's inbox. */
  conversationId: z.uuid().nullable(),
  events: z.array(z.object({ type: z.string(), data: z.unknown() })).min(1),
});

/**
 * A password reset asked for: looked up and mailed by the consumer, so the request answers at once and does the same
 * work whether or not the account exists (no enumeration by timing or by a mail outage).
 */
export const passwordResetMessage = z.object({
  type: z.literal('auth.password_reset'),
  email: z.string().max(320),
  ip: z.string().max(100),
  userAgent: z.string().max(500).nullable(),
  requestedAt: z.string(),
});

/** A batch of one organisation's events for outgoing webhooks (worker/webhooks-out/emit.ts → queues/webhook-deliveries.ts). */
export const webhookEventsMessage = z.object({
  type: z.literal('webhook.events'),
  organizationId: z.uuid(),
  events: z.array(webhookEvent).min(1),
});

/** POST one stored delivery to its endpoint (queues/webhook-deliveries.ts). */
export const webhookDeliverMessage = z.object({
  type: z.literal('webhook.deliver'),
  organizationId: z.uuid(),
  deliveryId: z.uuid(),
});

/** Acknowledged and noted in this isolate: lets a caller wait until everything queued before it was handled (queues/activity.ts). */
export const queueProbeMessage = z.object({
  type: z.literal('queue.probe'),
  token: z.string(),
});

/** One step of a contact's data export (queues/data-export.ts); `step` makes a redelivered message a no-op. */
export const dataExportStepMessage = z.object({
  type: z.literal('data_export.step'),
  organizationId: z.uuid(),
  exportId: z.uuid(),
  step: z.number().int().min(0),
});

export const queueMessage = z.discriminatedUnion('type', [
  metaWebhookMessage,
  evolutionWebhookMessage,
  mediaFetchMessage,
  outboundSendMessage,
  outboundReactionMessage,
  outboundRecordMessage,
  realtimeNotifyMessage,
  passwordResetMessage,
  webhookEventsMessage,
  webhookDeliverMessage,
  queueProbeMessage,
  dataExportStepMessage,
]);
export type QueueMessage = z.infer<typeof queueMessage>;
export type MetaWebhookMessage = z.infer<typeof metaWebhookMessage>;
export type EvolutionWebhookMessage = z.infer<typeof evolutionWebhookMessage>;

/**
 * Sent to the dead-letter queue by a consumer that knows a message will never succeed (queues/retry.ts), so its
 * reason travels with it; messages that exhausted their retries arrive there bare, as Cloudflare moves them.
 */
export const deadLetterEnvelope = z.object({
  type: z.literal('dead.letter'),
  queue: z.string(),
  messageId: z.string(),
  attempts: z.number(),
  reason: z.string(),
  body: z.unknown(),
});
export type DeadLetterEnvelope = z.infer<typeof deadLetterEnvelope>;
