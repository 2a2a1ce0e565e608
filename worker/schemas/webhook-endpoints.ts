// Outgoing webhook endpoints as the API takes and gives them: bodies (validated) and the endpoint, its deliveries
// and their attempts (documented, and the web app's types). The signing secret is only in the creation and rotation
// answers.
import { z } from 'zod';
import { instant } from '../openapi/responses';
import { subscription, WEBHOOK_EVENT_TYPES } from '../webhooks-out/events';

export const createEndpointBody = z.object({
  url: z.string().trim().min(1).max(2000).meta({ description: 'https (http only to localhost in development); never a private address' }),
  events: z
    .array(subscription.meta({ description: `An event type (${WEBHOOK_EVENT_TYPES.join(', ')}) or <resource>.* for all of one resource's` }))
    .min(1)
    .max(20)
    .transform((e) => [...new Set(e)]),
  description: z.string().trim().max(500).nullable().optional(),
  enabled: z.boolean().optional(),
});
export const updateEndpointBody = createEndpointBody.partial().refine((b) => Object.keys(b).length > 0, 'nothing to update');
export type CreateEndpointBody = z.infer<typeof createEndpointBody>;
export type UpdateEndpointBody = z.infer<typeof updateEndpointBody>;

export const deliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) });
export const deliveryParam = z.object({ id: z.uuid(), deliveryId: z.uuid() });

export const WebhookEndpoint = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    failingSince: instant.nullable().meta({ description: 'Start of an unbroken run of failed attempts; 24 hours of it disables the endpoint' }),
    disabledReason: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** The signing secret (`whsec_…`): receivers verify `X-Conversa-Signature` with it (docs/webhooks.md). */
export const webhookSecret = z.string().meta({ description: 'The signing secret, shown in this answer only' });

/** One HTTP attempt of a delivery. */
export const WebhookDeliveryAttempt = z
  .object({
    attempt: z.number().int(),
    statusCode: z.number().int().nullable(),
    latencyMs: z.number().int(),
    responseSnippet: z.string().nullable().meta({ description: 'At most 1 KB of the response body' }),
    error: z.string().nullable(),
    createdAt: instant,
  })
  .meta({ id: 'WebhookDeliveryAttempt' });

/** One event for one endpoint, with its attempts (the delivery log). */
export const WebhookDelivery = z
  .object({
    id: z.uuid(),
    eventId: z.uuid(),
    eventType: z.string(),
    state: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.number().int(),
    createdAt: instant,
    updatedAt: instant,
    log: z.array(WebhookDeliveryAttempt),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
