// Evolution API's webhook, one URL per channel. The acknowledgement path checks the channel's secret header (in
// constant time, no database), refuses a body it cannot read with 400, acknowledges events Conversa does not use
// without queueing them, and answers 200 only once the body is on the ingest queue (otherwise 503: Evolution retries).
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { parseEvolutionWebhook } from '../../queues/evolution/normalise';
import { QUEUE_NAMES } from '../../queues/messages';
import { ApiError, errorBody } from '../errors';
import { errorFields } from '../lib/log';
import { openapi, type ApiApp } from '../openapi/route';
import { ErrorSchema, json } from '../openapi/responses';
import { evolutionChannelParam, EvolutionWebhookBody, WebhookReceived } from '../schemas/webhooks';
import { enqueueWebhook } from './enqueue';
import { sameSecret } from '../lib/same-secret';
import { EVOLUTION_SECRET_HEADER, evolutionWebhookSecret } from './evolution-secret';

/** History syncs (messages.set) carry many messages; still a bound. */
export const EVOLUTION_WEBHOOK_MAX_BYTES = 20 * 1024 * 1024;

const channelIdParam = z.uuid();

async function validSecret(key: string | undefined, channelId: string, presented: string | undefined): Promise<boolean> {
  if (!key || !presented) return false;
  return sameSecret(presented, await evolutionWebhookSecret(key, channelId));
}

/** Checked by the channel's secret header before the body is read; read raw, not validated here. */
const route = createRoute({
  method: 'post',
  path: '/webhooks/evolution/{channelId}',
  tags: ['Webhooks'],
  summary: 'Evolution API events for one channel: checked and queued, answered 200 only once queued',
  security: [],
  request: {
    params: evolutionChannelParam,
    headers: z.object({ [EVOLUTION_SECRET_HEADER]: z.string().meta({ description: 'The channel’s webhook secret (set on the instance by Conversa)' }) }),
    body: { content: { 'application/json': { schema: EvolutionWebhookBody } }, required: true },
  },
  responses: {
    200: json(WebhookReceived, 'Queued, or an event Conversa does not use (`ignored`)'),
    400: json(ErrorSchema, '`invalid_payload`: not an Evolution event Conversa can read'),
    401: json(ErrorSchema, '`invalid_secret`: the secret header does not match this channel (also for a malformed id)'),
    413: json(ErrorSchema, 'Body over 20 MiB'),
    503: json(ErrorSchema, '`enqueue_failed`: not accepted now; Evolution retries'),
    default: json(ErrorSchema, 'Unexpected error (500), same body'),
  },
});

export function registerEvolutionWebhook(app: ApiApp) {
  openapi(app, route, async (c) => {
    const channelId = c.req.param('channelId');
    // A malformed id cannot have a valid secret: same answer as a wrong secret, nothing learnt.
    const presented = c.req.header(EVOLUTION_SECRET_HEADER);
    if (!channelIdParam.safeParse(channelId).success || !(await validSecret(c.env.EVOLUTION_WEBHOOK_KEY, channelId, presented))) {
      c.var.log.warn('evolution webhook secret rejected');
      return c.json(errorBody('invalid_secret', `The ${EVOLUTION_SECRET_HEADER} header does not match this channel`), 401);
    }
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > EVOLUTION_WEBHOOK_MAX_BYTES) throw new ApiError(413, 'payload_too_large', 'Webhook body too large');
    const raw = await c.req.text();
    if (raw.length > EVOLUTION_WEBHOOK_MAX_BYTES) throw new ApiError(413, 'payload_too_large', 'Webhook body too large');
    const parsed = parseEvolutionWebhook(raw, channelId);
    if (!parsed.ok) return c.json(errorBody('invalid_payload', `Not an Evolution API event we can read: ${parsed.error}`), 400);
    if (parsed.events.every((e) => e.kind === 'ignored')) return c.json({ received: true as const, ignored: true as const }, 200);
    // Evolution puts the instance's own API key in every body: it is not kept (queue, R2, dead letters).
    const { apikey: _apikey, ...kept } = JSON.parse(raw) as Record<string, unknown>;
    try {
      await enqueueWebhook(c.env, JSON.stringify(kept), { type: 'evolution.webhook', channelId, receivedAt: new Date().toISOString(), requestId: c.get('requestId') });
    } catch (err) {
      c.var.log.error('webhook enqueue failed', { ...errorFields(err), queue: QUEUE_NAMES.ingest });
      return c.json(errorBody('enqueue_failed', 'Could not accept the event now; retry'), 503);
    }
    return c.json({ received: true as const }, 200);
  }, { raw: true });
}
