// The events an endpoint may subscribe to, and what a queued event looks like. `deal.*` subscribes to every deal event.
import { z } from 'zod';

import { WEBHOOK_EVENT_TYPES } from './event-types';

export { WEBHOOK_EVENT_TYPES };
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What an endpoint may list: an event type, or `<resource>.*` for all of one resource's events. */
export const subscription = z.string().refine(
  (s) => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(s) || WEBHOOK_EVENT_TYPES.some((t) => `${t.split('.')[0]}.*` === s),
  { message: `must be one of ${WEBHOOK_EVENT_TYPES.join(', ')} or a wildcard like deal.*` },
);

export function subscribes(events: readonly string[], type: string): boolean {
  return events.includes(type) || events.includes(`${type.split('.')[0]}.*`);
}

/** One event as producers emit it; id and time are fixed at emit, so a replayed or retried delivery carries the same. */
export const webhookEvent = z.object({
  id: z.uuid(),
  type: z.enum(WEBHOOK_EVENT_TYPES),
  createdAt: z.string(),
  data: z.unknown(),
});
export type WebhookEvent = z.infer<typeof webhookEvent>;
