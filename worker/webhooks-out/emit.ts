// Producers' one entry point for outgoing webhooks: put the events on the outbound queue and return. The consumer
// (queues/webhook-deliveries.ts) finds the organisation's subscribed endpoints and fans out.
//
// No database read here: whether the organisation has any endpoint is the consumer's question, so the ingest hot path
// and the API pay one queue send per batch of events (not one per event, not a round trip to Postgres), and an
// organisation without endpoints costs the consumer one indexed lookup per batch.
import { v7 as uuidv7 } from 'uuid';
import type { Env } from '../env';
import { createLogger, errorFields, type Logger } from '../lib/log';
import type { WebhookEvent, WebhookEventType } from './events';

/** Queue messages must stay under 128 KB: events are packed into messages of at most this much JSON. */
const MAX_MESSAGE_BYTES = 100_000;

export interface EmittedEvent {
  type: WebhookEventType;
  /** The resource as the REST API returns it (worker/domain/dto.ts and friends). */
  data: unknown;
}

/** Never throws: a lost webhook event is logged, never a failed request or ingest batch. */
export async function emitEvents(env: Pick<Env, 'OUTBOUND_QUEUE' | 'LOG_LEVEL'>, orgId: string, events: EmittedEvent[], log?: Logger): Promise<void> {
  if (events.length === 0) return;
  const createdAt = new Date().toISOString();
  const stamped: WebhookEvent[] = events.map((e) => ({ id: uuidv7(), type: e.type, createdAt, data: JSON.parse(JSON.stringify(e.data ?? null)) }));
  const chunks: WebhookEvent[][] = [[]];
  let size = 0;
  for (const e of stamped) {
    const bytes = JSON.stringify(e).length;
    if (size + bytes > MAX_MESSAGE_BYTES && chunks.at(-1)!.length) {
      chunks.push([]);
      size = 0;
    }
    chunks.at(-1)!.push(e);
    size += bytes;
  }
  try {
    await env.OUTBOUND_QUEUE.sendBatch(chunks.map((c) => ({ body: { type: 'webhook.events', organizationId: orgId, events: c }, contentType: 'json' as const })));
  } catch (err) {
    (log ?? createLogger({}, env.LOG_LEVEL)).error('webhook events enqueue failed', { ...errorFields(err), orgId, count: events.length });
  }
}
