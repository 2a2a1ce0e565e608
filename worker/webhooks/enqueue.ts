// Putting a verified webhook body on the ingest queue: inline when it fits a queue message (128 KB), otherwise in R2
// by reference. Shared by Meta's and Evolution's endpoints; never touches the database.
import type { QueueMessage } from '../../queues/messages';
import type { Env } from '../env';

/** Queue messages are limited to 128 KB: larger bodies wait in R2 and travel by reference. */
const INLINE_MAX_BYTES = 100 * 1024;

type WebhookEnvelope = Extract<QueueMessage, { type: 'meta.webhook' | 'evolution.webhook' }>;
type Fields<T> = T extends unknown ? Omit<T, 'body' | 'bodyKey'> : never;

export async function enqueueWebhook(env: Env, raw: ArrayBuffer | string, fields: Fields<WebhookEnvelope>): Promise<void> {
  const bytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : new Uint8Array(raw);
  let message: WebhookEnvelope;
  if (bytes.byteLength <= INLINE_MAX_BYTES) {
    message = { ...fields, body: new TextDecoder().decode(bytes) } as WebhookEnvelope;
  } else {
    const key = `webhooks/raw/${fields.receivedAt.slice(0, 10)}/${crypto.randomUUID()}.json`;
    await env.MEDIA.put(key, bytes, { httpMetadata: { contentType: 'application/json' } });
    message = { ...fields, bodyKey: key } as WebhookEnvelope;
  }
  await env.INGEST_QUEUE.send(message, { contentType: 'json' });
}
