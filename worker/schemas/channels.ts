// /api/v1/channels and /api/v1/templates as the API takes and gives them: request bodies (a Meta Cloud API number, or
// an Evolution API instance connected by QR code) and responses (documented, and the web app's types).
import { z } from 'zod';
import { channelProviderEnum, channelStatusEnum } from '../db/schema/enums';
import { instant } from '../openapi/responses';

const digits = (max: number) => z.string().trim().regex(/^\d+$/, 'must be digits only').max(max);

export const createMetaChannelBody = z.object({
  provider: z.literal('meta_cloud'),
  name: z.string().trim().min(1).max(80).optional(),
  phoneNumberId: digits(32),
  wabaId: digits(32),
  displayPhoneNumber: z.string().trim().min(3).max(32),
  accessToken: z.string().trim().min(10).max(1024),
});
export const createEvolutionChannelBody = z.object({
  provider: z.literal('evolution'),
  name: z.string().trim().min(1).max(80),
  // Evolution puts the name in its URLs: letters, digits, - and _ only.
  instanceName: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only (at most 64)'),
  sendRatePerMinute: z.number().int().min(1).max(600).optional(),
});
export const createChannelBody = z.discriminatedUnion('provider', [createMetaChannelBody, createEvolutionChannelBody]);
export const updateChannelBody = z
  .object({
    name: z.string().trim().min(1).max(80),
    status: z.enum(['active', 'disabled']),
    accessToken: z.string().trim().min(10).max(1024),
    sendRatePerMinute: z.number().int().min(1).max(600),
    silentAfterMinutes: z.number().int().min(5).max(10_080),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');

/**
 * A channel as the API and the inbox socket (`channel.updated`) show it: never the token. Evolution numbers carry
 * their instance, WhatsApp connection and, while connecting, the QR code to scan (only for those who manage channels).
 */
export const Channel = z
  .object({
    id: z.uuid(),
    provider: z.enum(channelProviderEnum.enumValues),
    name: z.string(),
    phoneNumberId: z.string().nullable(),
    wabaId: z.string().nullable(),
    displayPhoneNumber: z.string().nullable(),
    status: z.enum(channelStatusEnum.enumValues),
    instanceName: z.string().nullable(),
    connectionState: z.enum(['open', 'connecting', 'close', 'refused']).nullable(),
    qrCode: z.string().nullable().meta({ description: 'A data: URL to scan in WhatsApp → Linked devices; null once connected, and for roles that do not manage channels' }),
    qrUpdatedAt: instant.nullable(),
    connectionUpdatedAt: instant.nullable(),
    lastEventAt: instant.nullable(),
    sendRatePerMinute: z.number().int(),
    silentAfterMinutes: z.number().int(),
    capabilities: z.object({ window24h: z.boolean(), templates: z.boolean() }).meta({ description: 'Meta: the 24-hour rule and templates; Evolution: neither' }),
    silent: z.boolean().meta({ description: '"open" yet nothing received for silentAfterMinutes: check the phone' }),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Channel' });
export type Channel = z.infer<typeof Channel>;

/** The webhook configured on the Evolution server for a new channel (shown once, for checking the server). */
export const EvolutionWebhook = z.object({ url: z.string(), headers: z.record(z.string(), z.string()) });

export const templatesQuery = z.object({ channelId: z.uuid().optional(), status: z.string().max(20).optional().meta({ description: 'e.g. APPROVED (any case)' }) });

/** A part of a template as Meta describes it (HEADER, BODY, FOOTER, BUTTONS…); other fields pass through. */
export const TemplateComponent = z
  .looseObject({
    type: z.string(),
    format: z.string().optional(),
    text: z.string().optional(),
    buttons: z.array(z.looseObject({ type: z.string(), text: z.string() })).optional(),
  })
  .meta({ id: 'TemplateComponent' });
export type TemplateComponent = z.infer<typeof TemplateComponent>;

/** A message template synced from Meta (GET /api/v1/templates). */
export const Template = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    channelId: z.uuid(),
    providerTemplateId: z.string().nullable(),
    name: z.string(),
    language: z.string(),
    category: z.string().nullable(),
    status: z.string().nullable(),
    components: z.array(TemplateComponent).nullable(),
    syncedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Template' });
export type Template = z.infer<typeof Template>;
