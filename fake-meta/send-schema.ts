// What POST /{version}/{phone-number-id}/messages accepts, as zod schemas, and how a bad body maps to Meta's errors:
// Graph's "(#100) ..." for the envelope, 131008 for a missing field, 131009 for a bad value. Shapes follow Meta's
// messages reference (https://developers.facebook.com/documentation/business-messaging/whatsapp/reference/whatsapp-business-phone-number/message-api);
// unknown extra fields are tolerated where Meta adds them often (templates, interactive), refused nowhere.
import { z } from 'zod';
import { invalidParameterError, metaError, whatsappError, type GraphErrorResponse } from './errors';

export const MESSAGE_TYPES = [
  'text', 'template', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'reaction',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
export const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;

const envelopeSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.enum(['individual', 'group']).default('individual'),
  to: z.string().min(1),
  // Meta: "If omitted, defaults to text".
  type: z.enum(MESSAGE_TYPES).default('text'),
  context: z.object({ message_id: z.string().min(1) }).optional(),
  biz_opaque_callback_data: z.string().max(512).optional(),
});

const mediaSchema = z.object({
  id: z.string().min(1).optional(),
  link: z.url().optional(),
  caption: z.string().max(1024).optional(),
  filename: z.string().min(1).optional(),
}).refine((m) => (m.id === undefined) !== (m.link === undefined), { message: 'Exactly one of id or link is required', path: ['id'] });

const templateParameter = z.looseObject({ type: z.string().min(1) });
const templateComponent = z.looseObject({
  type: z.string().min(1),
  sub_type: z.string().optional(),
  index: z.union([z.string(), z.number()]).optional(),
  parameters: z.array(templateParameter).optional(),
});

const replyButton = z.object({
  type: z.literal('reply'),
  reply: z.object({ id: z.string().min(1).max(256), title: z.string().min(1).max(20) }),
});

const interactiveSchema = z.looseObject({
  type: z.enum(['button', 'list', 'cta_url', 'product', 'product_list', 'catalog_message', 'flow', 'location_request_message', 'address_message']),
  header: z.looseObject({ type: z.string().min(1) }).optional(),
  body: z.object({ text: z.string().min(1).max(4096) }).optional(),
  footer: z.object({ text: z.string().min(1).max(60) }).optional(),
  action: z.looseObject({
    buttons: z.array(replyButton).min(1).max(3).optional(),
    button: z.string().min(1).max(20).optional(),
    sections: z.array(z.looseObject({ title: z.string().optional(), rows: z.array(z.looseObject({ id: z.string().min(1), title: z.string().min(1).max(24) })).optional() })).min(1).max(10).optional(),
  }),
}).superRefine((v, ctx) => {
  if ((v.type === 'button' || v.type === 'list') && !v.body) ctx.addIssue({ code: 'custom', path: ['body'], message: 'body is required' });
  if (v.type === 'button' && !v.action.buttons) ctx.addIssue({ code: 'custom', path: ['action', 'buttons'], message: 'buttons is required' });
  if (v.type === 'list' && (!v.action.button || !v.action.sections)) {
    ctx.addIssue({ code: 'custom', path: ['action', v.action.button ? 'sections' : 'button'], message: 'required for list messages' });
  }
});

/** One schema per message type, for the object named like the type (`text`, `template`, `image` …). */
export const payloadSchemas = {
  text: z.object({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() }),
  template: z.object({
    name: z.string().min(1).max(512),
    language: z.object({ code: z.string().min(1), policy: z.literal('deterministic').optional() }),
    components: z.array(templateComponent).optional(),
  }),
  image: mediaSchema,
  // `voice: true`: a voice note (Ogg/Opus), shown with a waveform and downloaded automatically.
  audio: mediaSchema.and(z.object({ voice: z.boolean().optional() })),
  video: mediaSchema,
  document: mediaSchema,
  sticker: mediaSchema,
  location: z.object({
    latitude: z.coerce.number().min(-90).max(90),
    longitude: z.coerce.number().min(-180).max(180),
    name: z.string().optional(),
    address: z.string().optional(),
  }),
  contacts: z.array(z.looseObject({
    name: z.looseObject({ formatted_name: z.string().min(1) }),
    phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() })).optional(),
  })).min(1),
  interactive: interactiveSchema,
  // An empty emoji removes the business's reaction.
  reaction: z.object({ message_id: z.string().min(1), emoji: z.string() }),
} satisfies Record<MessageType, z.ZodType>;

export type Envelope = z.infer<typeof envelopeSchema>;
export type Payloads = { [K in MessageType]: z.infer<(typeof payloadSchemas)[K]> };
/** A validated send, discriminated by `type`, with the matching payload under the type's name. */
export type SendMessageRequest = { [K in MessageType]: Omit<Envelope, 'type'> & { type: K } & { [P in K]: Payloads[K] } }[MessageType];

export const markReadSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  status: z.literal('read'),
  message_id: z.string().min(1),
  typing_indicator: z.object({ type: z.literal('text') }).optional(),
});
export type MarkReadRequest = z.infer<typeof markReadSchema>;

export type ParsedSend =
  | { ok: true; kind: 'message'; value: SendMessageRequest }
  | { ok: true; kind: 'read'; value: MarkReadRequest }
  | { ok: false; error: GraphErrorResponse };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "text['body']", "interactive['action']['buttons'][0]" — the way Meta names parameters in details. */
function paramName(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  return `${head ?? ''}${rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `['${p}']`)).join('')}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const key of path) {
    if (!isRecord(cur) && !Array.isArray(cur)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function issueToError(root: unknown, issue: z.core.$ZodIssue, prefix: PropertyKey[]): GraphErrorResponse {
  const path = [...prefix, ...issue.path];
  const name = paramName(path);
  if (valueAt(root, path) === undefined && issue.code === 'invalid_type') {
    return whatsappError(metaError(131008, { details: `The parameter ${name} is required.` }));
  }
  return whatsappError(metaError(131009, { details: `Parameter ${name} is not valid: ${issue.message}` }));
}

/** Validates a parsed JSON body the way the Graph API does, returning Meta's error for the first problem. */
export function parseSendBody(body: unknown): ParsedSend {
  if (!isRecord(body)) return { ok: false, error: invalidParameterError('Invalid parameter') };
  if (body.messaging_product === undefined) {
    return { ok: false, error: invalidParameterError('The parameter messaging_product is required.') };
  }
  if (body.messaging_product !== 'whatsapp') {
    return { ok: false, error: invalidParameterError(`Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product)}".`) };
  }
  if (body.status !== undefined) {
    const read = markReadSchema.safeParse(body);
    if (!read.success) return { ok: false, error: issueToError(body, read.error.issues[0]!, []) };
    return { ok: true, kind: 'read', value: read.data };
  }
  if (body.to === undefined) return { ok: false, error: invalidParameterError('The parameter to is required.') };
  if (body.type !== undefined && !(MESSAGE_TYPES as readonly unknown[]).includes(body.type)) {
    const allowed = MESSAGE_TYPES.map((t) => t.toUpperCase()).join(', ');
    return { ok: false, error: invalidParameterError(`Param type must be one of {${allowed}} - got "${String(body.type)}".`) };
  }
  const env = envelopeSchema.safeParse(body);
  if (!env.success) return { ok: false, error: issueToError(body, env.error.issues[0]!, []) };

  const type = env.data.type;
  if (body[type] === undefined) {
    return { ok: false, error: whatsappError(metaError(131008, { details: `The parameter ${type} is required.` })) };
  }
  const payload = payloadSchemas[type].safeParse(body[type]);
  if (!payload.success) return { ok: false, error: issueToError(body, payload.error.issues[0]!, [type]) };
  const value = { ...env.data, [type]: payload.data } as SendMessageRequest;
  return { ok: true, kind: 'message', value };
}

/** The media object of an image/audio/video/document/sticker send. */
export function mediaOf(req: SendMessageRequest): Payloads['image'] | undefined {
  switch (req.type) {
    case 'image': return req.image;
    case 'audio': return req.audio;
    case 'video': return req.video;
    case 'document': return req.document;
    case 'sticker': return req.sticker;
    default: return undefined;
  }
}
