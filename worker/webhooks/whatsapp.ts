// Meta's WhatsApp webhook. The acknowledgement path only verifies and enqueues — it never touches the database —
// and answers 200 only once the body is safely on the ingest queue (otherwise 5xx, so Meta retries).
import { sameSecret } from '../lib/same-secret';
import type { Hono } from 'hono';
import { QUEUE_NAMES, type QueueMessage } from '../../queues/messages';
import type { AppEnv } from '../env';
import { ApiError, errorBody } from '../errors';
import { errorFields } from '../lib/log';
import { verifyMetaSignature } from './signature';

// Meta's payloads are a few KB; anything near this is not a webhook.
export const WEBHOOK_MAX_BYTES = 3 * 1024 * 1024;
// Queue messages are limited to 128 KB: larger bodies wait in R2 and travel by reference.
const INLINE_MAX_BYTES = 100 * 1024;

export function registerWhatsAppWebhook(app: Hono<AppEnv>) {
  app.get('/webhooks/whatsapp', async (c) => {
    const mode = c.req.query('hub.mode');
    const token = c.req.query('hub.verify_token');
    const challenge = c.req.query('hub.challenge');
    if (mode === 'subscribe' && token && challenge && (await sameSecret(token, c.env.META_VERIFY_TOKEN))) {
      return c.text(challenge, 200);
    }
    return c.json(errorBody('verification_failed', 'Verify token does not match'), 403);
  });

  app.post('/webhooks/whatsapp', async (c) => {
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > WEBHOOK_MAX_BYTES) throw new ApiError(413, 'payload_too_large', 'Webhook body too large');
    const raw = await c.req.arrayBuffer();
    if (raw.byteLength > WEBHOOK_MAX_BYTES) throw new ApiError(413, 'payload_too_large', 'Webhook body too large');
    if (!(await verifyMetaSignature(c.env.META_APP_SECRET, c.req.header('x-hub-signature-256'), raw))) {
      c.var.log.warn('webhook signature rejected');
      return c.json(errorBody('invalid_signature', 'X-Hub-Signature-256 does not match the body'), 401);
    }
    const receivedAt = new Date().toISOString();
    const requestId = c.get('requestId');
    try {
      let message: QueueMessage;
      if (raw.byteLength <= INLINE_MAX_BYTES) {
        message = { type: 'meta.webhook', body: new TextDecoder().decode(raw), receivedAt, requestId };
      } else {
        const key = `webhooks/raw/${receivedAt.slice(0, 10)}/${crypto.randomUUID()}.json`;
        await c.env.MEDIA.put(key, raw, { httpMetadata: { contentType: 'application/json' } });
        message = { type: 'meta.webhook', bodyKey: key, receivedAt, requestId };
      }
      await c.env.INGEST_QUEUE.send(message, { contentType: 'json' });
    } catch (err) {
      c.var.log.error('webhook enqueue failed', { ...errorFields(err), queue: QUEUE_NAMES.ingest });
      return c.json(errorBody('enqueue_failed', 'Could not accept the event now; retry'), 503);
    }
    return c.text('EVENT_RECEIVED', 200);
  });
}
