// Meta's WhatsApp webhook. The acknowledgement path only verifies and enqueues — it never touches the database —
// and answers 200 only once the body is safely on the ingest queue (otherwise 5xx, so Meta retries).
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { sameSecret } from '../lib/same-secret';
import { QUEUE_NAMES } from '../../queues/messages';
import { ApiError, errorBody } from '../errors';
import { errorFields } from '../lib/log';
import { openapi, type ApiApp } from '../openapi/route';
import { ErrorSchema, json } from '../openapi/responses';
import { metaSignatureHeader, metaVerifyQuery, MetaWebhookBody } from '../schemas/webhooks';
import { enqueueWebhook } from './enqueue';
import { verifyMetaSignature } from './signature';

// Meta's payloads are a few KB; anything near this is not a webhook.
export const WEBHOOK_MAX_BYTES = 3 * 1024 * 1024;

const tags = ['Webhooks'];
const text = (description: string) => ({ description, content: { 'text/plain': { schema: z.string() } } });
const failed = { default: json(ErrorSchema, 'Unexpected error (500), same body') };

/** Meta's subscription check: echoes the challenge when the verify token matches. */
const verifyRoute = createRoute({
  method: 'get',
  path: '/webhooks/whatsapp',
  tags,
  summary: 'Meta’s webhook verification (subscription handshake)',
  security: [],
  request: { query: metaVerifyQuery },
  responses: { 200: text('The challenge, echoed'), 403: json(ErrorSchema, '`verification_failed`: the verify token does not match'), ...failed },
});

/** Signed by Meta over the raw body; read raw (never parsed before the signature is checked), not validated here. */
const notifyRoute = createRoute({
  method: 'post',
  path: '/webhooks/whatsapp',
  tags,
  summary: 'Meta’s WhatsApp notifications: verified and queued, answered 200 only once queued',
  security: [],
  request: { headers: metaSignatureHeader, body: { content: { 'application/json': { schema: MetaWebhookBody } }, required: true } },
  responses: {
    200: text('`EVENT_RECEIVED`: the body is on the ingest queue'),
    401: json(ErrorSchema, '`invalid_signature`: X-Hub-Signature-256 does not match the body'),
    413: json(ErrorSchema, 'Body over 3 MiB'),
    503: json(ErrorSchema, '`enqueue_failed`: not accepted now; Meta retries'),
    ...failed,
  },
});

export function registerWhatsAppWebhook(app: ApiApp) {
  openapi(app, verifyRoute, async (c) => {
    const mode = c.req.query('hub.mode');
    const token = c.req.query('hub.verify_token');
    const challenge = c.req.query('hub.challenge');
    if (mode === 'subscribe' && token && challenge && (await sameSecret(token, c.env.META_VERIFY_TOKEN))) {
      return c.text(challenge, 200);
    }
    return c.json(errorBody('verification_failed', 'Verify token does not match'), 403);
  }, { raw: true });

  openapi(app, notifyRoute, async (c) => {
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
      await enqueueWebhook(c.env, raw, { type: 'meta.webhook', receivedAt, requestId });
    } catch (err) {
      c.var.log.error('webhook enqueue failed', { ...errorFields(err), queue: QUEUE_NAMES.ingest });
      return c.json(errorBody('enqueue_failed', 'Could not accept the event now; retry'), 503);
    }
    return c.text('EVENT_RECEIVED', 200);
  }, { raw: true });
}
