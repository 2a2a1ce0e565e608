// A customer writing to a business number: validates what tests or the phone page ask for, turns it into the
// webhook Meta would send (media stored so its id downloads), opens the 24 h window, and delivers it to Conversa.
import { z } from 'zod';
import { deliver } from './deliver';
import { placeholderMedia, sha256Base64, storeMedia } from './media-store';
import { windowKey, type FakeMetaState, type InboundRecord } from './state';
import {
  buildButtonMessage, buildContactsMessage, buildInteractiveReply, buildLocationMessage, buildMediaMessage,
  buildReactionMessage, buildTextMessage, buildUnsupportedMessage, digitsOnly, newWamid,
  type BusinessRef, type CustomerRef, type InboundMessage, type MediaKind, type MessageMeta, type WebhookPayload,
} from './webhooks';

const common = {
  phoneNumberId: z.string().min(1),
  /** The customer's number; digits are kept (it becomes wa_id). */
  from: z.string().regex(/\d{8,15}/, 'a phone number with 8 to 15 digits'),
  name: z.string().min(1).default('Cliente'),
  id: z.string().min(1).optional(),
  /** Unix seconds; defaults to now. */
  timestamp: z.number().int().positive().optional(),
  /** Reply to (or forward of) a message; `from` defaults to the business number. */
  context: z.object({ id: z.string().min(1).optional(), from: z.string().optional(), forwarded: z.boolean().optional() }).optional(),
  /** Click-to-WhatsApp ad that opened the chat. */
  referral: z.object({
    source_url: z.string(), source_id: z.string(), source_type: z.enum(['ad', 'post']),
    headline: z.string().optional(), body: z.string().optional(), media_type: z.enum(['image', 'video']).optional(),
    image_url: z.string().optional(), video_url: z.string().optional(), thumbnail_url: z.string().optional(), ctwa_clid: z.string().optional(),
  }).optional(),
};

const mediaFields = {
  /** Reuse media the fake already holds… */
  mediaId: z.string().optional(),
  /** …or give the bytes (base64); otherwise a small placeholder of the right kind is made. */
  dataBase64: z.string().optional(),
  mimeType: z.string().optional(),
  filename: z.string().optional(),
  caption: z.string().optional(),
};

export const customerMessageSchema = z.discriminatedUnion('type', [
  z.object({ ...common, type: z.literal('text'), body: z.string().min(1).max(4096) }),
  z.object({ ...common, ...mediaFields, type: z.enum(['image', 'video', 'document', 'sticker']) }),
  z.object({ ...common, ...mediaFields, type: z.literal('audio'), voice: z.boolean().default(false) }),
  /** Shorthand for a push-to-talk note: audio with voice: true. */
  z.object({ ...common, ...mediaFields, type: z.literal('voice') }),
  z.object({
    ...common, type: z.literal('location'), latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180),
    locationName: z.string().optional(), address: z.string().optional(),
  }),
  z.object({
    ...common, type: z.literal('contacts'),
    contacts: z.array(z.object({
      name: z.object({ formatted_name: z.string().min(1), first_name: z.string().optional(), last_name: z.string().optional() }),
      phones: z.array(z.object({ phone: z.string(), wa_id: z.string().optional(), type: z.string().optional() })).optional(),
      emails: z.array(z.object({ email: z.string(), type: z.string().optional() })).optional(),
    })).min(1),
  }),
  z.object({ ...common, type: z.literal('button_reply'), replyId: z.string().min(1), title: z.string().min(1) }),
  z.object({ ...common, type: z.literal('list_reply'), replyId: z.string().min(1), title: z.string().min(1), description: z.string().optional() }),
  /** Template quick-reply tap. */
  z.object({ ...common, type: z.literal('button'), text: z.string().min(1), payload: z.string().optional() }),
  /** No emoji (or "") = the customer removed their reaction. */
  z.object({ ...common, type: z.literal('reaction'), messageId: z.string().min(1), emoji: z.string().optional() }),
  z.object({ ...common, type: z.literal('unsupported'), unsupportedType: z.string().optional() }),
]);
export type CustomerMessageInput = z.input<typeof customerMessageSchema>;
export type CustomerMessage = z.output<typeof customerMessageSchema>;

export interface CustomerMessageResult {
  id: string;
  /** What Conversa's webhook answered (null: unreachable). */
  webhookStatus: number | null;
  payload: WebhookPayload;
}

function businessOf(state: FakeMetaState, phoneNumberId: string): BusinessRef {
  const number = state.numbers.get(phoneNumberId);
  if (!number) throw new UnknownNumberError(phoneNumberId);
  return number;
}

export class UnknownNumberError extends Error {
  constructor(readonly phoneNumberId: string) {
    super(`phone number id ${phoneNumberId} is not registered with the fake`);
  }
}

function mediaFor(state: FakeMetaState, input: Extract<CustomerMessage, { mediaId?: string | undefined }>, kind: MediaKind, voice: boolean) {
  const existing = input.mediaId ? state.media.get(input.mediaId) : undefined;
  if (input.mediaId && !existing) throw new Error(`media ${input.mediaId} is not held by the fake`);
  const placeholder = placeholderMedia(kind, voice);
  const filename = input.filename ?? existing?.filename ?? placeholder.filename;
  const media = existing ?? storeMedia(state, {
    phoneNumberId: input.phoneNumberId,
    bytes: input.dataBase64 ? Buffer.from(input.dataBase64, 'base64') : placeholder.bytes,
    mimeType: input.mimeType ?? placeholder.mimeType,
    ...(filename ? { filename } : {}),
  });
  return {
    id: media.id,
    mime_type: media.mimeType,
    sha256: sha256Base64(media),
    ...(input.caption && kind !== 'audio' && kind !== 'sticker' ? { caption: input.caption } : {}),
    ...(kind === 'document' && filename ? { filename } : {}),
    ...(kind === 'audio' ? { voice } : {}),
    ...(kind === 'sticker' ? { animated: false } : {}),
  };
}

/** Builds the webhook payload for a customer message (storing media it needs); does not send it. */
export function buildCustomerPayload(state: FakeMetaState, input: CustomerMessage): WebhookPayload {
  const business = businessOf(state, input.phoneNumberId);
  const waId = digitsOnly(input.from);
  const customer: CustomerRef = { waId, name: input.name };
  const meta: MessageMeta = {
    id: input.id ?? newWamid(waId),
    ...(input.timestamp ? { timestamp: input.timestamp } : { timestamp: Math.floor(state.now() / 1000) }),
    // A reply names the business message (and number) it answers; a forward carries only the flag.
    ...(input.context ? { context: input.context.id ? { ...input.context, from: input.context.from ?? digitsOnly(business.displayPhoneNumber) } : input.context } : {}),
    ...(input.referral ? { referral: input.referral } : {}),
  };
  switch (input.type) {
    case 'text': return buildTextMessage(business, customer, input.body, meta);
    case 'image': case 'video': case 'document': case 'sticker':
      return buildMediaMessage(business, customer, input.type, mediaFor(state, input, input.type, false), meta);
    case 'audio': return buildMediaMessage(business, customer, 'audio', mediaFor(state, input, 'audio', input.voice), meta);
    case 'voice': return buildMediaMessage(business, customer, 'audio', mediaFor(state, input, 'audio', true), meta);
    case 'location': {
      const { latitude, longitude, locationName, address } = input;
      return buildLocationMessage(business, customer, {
        latitude, longitude, ...(locationName ? { name: locationName } : {}), ...(address ? { address } : {}),
      }, meta);
    }
    case 'contacts': return buildContactsMessage(business, customer, input.contacts, meta);
    case 'button_reply':
      return buildInteractiveReply(business, customer, { type: 'button_reply', button_reply: { id: input.replyId, title: input.title } }, meta);
    case 'list_reply':
      return buildInteractiveReply(business, customer, {
        type: 'list_reply', list_reply: { id: input.replyId, title: input.title, ...(input.description ? { description: input.description } : {}) },
      }, meta);
    case 'button': return buildButtonMessage(business, customer, { text: input.text, payload: input.payload ?? input.text }, meta);
    case 'reaction': return buildReactionMessage(business, customer, input.messageId, input.emoji, meta);
    case 'unsupported': return buildUnsupportedMessage(business, customer, input.unsupportedType, meta);
  }
}

/** Sends a customer message to Conversa: records it, opens the customer-service window, posts the webhook. */
export async function sendCustomerMessage(state: FakeMetaState, raw: CustomerMessageInput): Promise<CustomerMessageResult> {
  const input = customerMessageSchema.parse(raw);
  const payload = buildCustomerPayload(state, input);
  const value = payload.entry[0]!.changes[0]!.value;
  const message = value.messages![0] as InboundMessage;
  const record: InboundRecord = {
    direction: 'inbound',
    id: message.id,
    phoneNumberId: input.phoneNumberId,
    from: message.from,
    name: input.name,
    type: message.type,
    message,
    at: state.now(),
    webhookStatus: null,
    readByBusiness: false,
  };
  state.inbound.push(record);
  state.windows.set(windowKey(input.phoneNumberId, message.from), state.now());
  const delivery = await deliver(state, 'message', message.id, message.type, payload);
  record.webhookStatus = delivery.status;
  return { id: message.id, webhookStatus: delivery.status, payload };
}
