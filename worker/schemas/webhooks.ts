// The incoming webhooks as documented (worker/webhooks/): loose shapes — the handlers check the signature over the
// raw bytes first and read the body themselves (queues/*/normalise.ts), so these only tell integrators what comes.
import { z } from 'zod';

export const MetaWebhookBody = z
  .looseObject({
    object: z.string().meta({ example: 'whatsapp_business_account' }),
    entry: z.array(z.looseObject({ id: z.string(), changes: z.array(z.looseObject({ field: z.string(), value: z.looseObject({}) })) })),
  })
  .meta({ id: 'MetaWebhook', description: 'Meta’s WhatsApp Cloud API notification, as Meta sends it' });

export const metaVerifyQuery = z.object({
  'hub.mode': z.literal('subscribe'),
  'hub.verify_token': z.string().meta({ description: 'META_VERIFY_TOKEN' }),
  'hub.challenge': z.string().meta({ description: 'Echoed back on success' }),
});
export const metaSignatureHeader = z.object({
  'x-hub-signature-256': z.string().meta({ description: '`sha256=` + HMAC-SHA256 of the raw body with the Meta app secret' }),
});

export const EvolutionWebhookBody = z
  .looseObject({
    event: z.string().meta({ example: 'messages.upsert' }),
    instance: z.string().optional(),
    data: z.unknown(),
  })
  .meta({ id: 'EvolutionWebhook', description: 'An Evolution API event, as Evolution sends it (its `apikey` field is dropped, never kept)' });
export const evolutionChannelParam = z.object({ channelId: z.uuid() });

export const WebhookReceived = z.object({ received: z.literal(true), ignored: z.literal(true).optional() });
