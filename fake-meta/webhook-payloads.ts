// Real-shaped WhatsApp Cloud API webhook payloads (the `messages` field of a WhatsApp Business Account) and the
// bytes Meta puts on the wire. Pure and free of Node APIs (Web Crypto and btoa only), so tests in workerd can import
// it as well as Node tests. Shapes follow Meta's messages-webhook reference
// (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/).
import type { WebhookError } from './errors';

// ---------- payload types ----------

export interface BusinessRef {
  wabaId: string;
  phoneNumberId: string;
  /** Any formatting; the webhook carries digits only, as Meta does ("+55 11 4000-0001" → "551140000001"). */
  displayPhoneNumber: string;
}

export interface CustomerRef {
  waId: string;
  name: string;
}

export interface InboundContext {
  /** The business number (digits) whose message is being answered; `forwarded` messages have no id. */
  from?: string;
  id?: string;
  forwarded?: boolean;
  frequently_forwarded?: boolean;
}

/** Click-to-WhatsApp ad (or post) that started the conversation. */
export interface Referral {
  source_url: string;
  source_id: string;
  source_type: 'ad' | 'post';
  headline?: string;
  body?: string;
  media_type?: 'image' | 'video';
  image_url?: string;
  video_url?: string;
  thumbnail_url?: string;
  ctwa_clid?: string;
}

export type MediaKind = 'image' | 'audio' | 'video' | 'document' | 'sticker';

export interface InboundMedia {
  id: string;
  mime_type: string;
  /** Base64 of the SHA-256, as inbound webhooks carry it (the media-URL endpoint returns hex). */
  sha256: string;
  caption?: string;
  filename?: string;
  voice?: boolean;
  animated?: boolean;
}

export interface SharedContact {
  name: { formatted_name: string; first_name?: string; last_name?: string };
  phones?: { phone: string; wa_id?: string; type?: string }[];
  emails?: { email: string; type?: string }[];
  org?: { company?: string; title?: string };
}

interface InboundBase {
  from: string;
  id: string;
  timestamp: string;
  context?: InboundContext;
  referral?: Referral;
}

export type InboundMessage = InboundBase & (
  | { type: 'text'; text: { body: string } }
  | { type: 'image'; image: InboundMedia }
  | { type: 'audio'; audio: InboundMedia }
  | { type: 'video'; video: InboundMedia }
  | { type: 'document'; document: InboundMedia }
  | { type: 'sticker'; sticker: InboundMedia }
  | { type: 'location'; location: { latitude: number; longitude: number; name?: string; address?: string; url?: string } }
  | { type: 'contacts'; contacts: SharedContact[] }
  | { type: 'interactive'; interactive: InteractiveReply }
  | { type: 'button'; button: { text: string; payload: string } }
  | { type: 'reaction'; reaction: { message_id: string; emoji?: string } }
  | { type: 'unsupported'; errors: WebhookError[]; unsupported?: { type: string } }
);

export type InteractiveReply =
  | { type: 'button_reply'; button_reply: { id: string; title: string } }
  | { type: 'list_reply'; list_reply: { id: string; title: string; description?: string } };

export type StatusName = 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusUpdate {
  id: string;
  status: StatusName;
  timestamp: string;
  recipient_id: string;
  conversation?: { id: string; expiration_timestamp?: string; origin: { type: string } };
  pricing?: { billable: boolean; pricing_model: 'PMP'; category: string; type: 'regular' | 'free_customer_service' | 'free_entry_point' };
  biz_opaque_callback_data?: string;
  errors?: WebhookError[];
}

export interface MessagesValue {
  messaging_product: 'whatsapp';
  metadata: { display_phone_number: string; phone_number_id: string };
  contacts?: { profile: { name: string }; wa_id: string }[];
  messages?: InboundMessage[];
  statuses?: StatusUpdate[];
}

export interface WebhookPayload {
  object: 'whatsapp_business_account';
  entry: { id: string; changes: { field: 'messages'; value: MessagesValue }[] }[];
}

// ---------- ids and small helpers ----------

export const digitsOnly = (s: string): string => s.replace(/\D/g, '');

const unixSeconds = (t?: number | string): string =>
  t === undefined ? String(Math.floor(Date.now() / 1000)) : String(t);

/**
 * A unique message id shaped like Meta's: "wamid." + base64 of a small binary record that embeds the customer's
 * number and a random 16-hex-digit key (Meta's decode to the same layout), so ids look real in logs and are unique.
 */
export function newWamid(waId = '0'): string {
  const num = digitsOnly(waId) || '0';
  const random = crypto.getRandomValues(new Uint8Array(9));
  const key = Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
  const record = `\x1c\x18${String.fromCharCode(num.length)}${num}\x15\x02\x00\x12\x18${String.fromCharCode(key.length)}${key}\x00`;
  return `wamid.${btoa(record)}`;
}

function envelope(business: BusinessRef, value: Omit<MessagesValue, 'messaging_product' | 'metadata'>): WebhookPayload {
  return {
    object: 'whatsapp_business_account',
    entry: [{
      id: business.wabaId,
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: digitsOnly(business.displayPhoneNumber), phone_number_id: business.phoneNumberId },
          ...value,
        },
      }],
    }],
  };
}

// ---------- inbound (customer → business) builders ----------

/** Fields every inbound message may carry; id and timestamp are generated when absent. */
export interface MessageMeta {
  id?: string;
  /** Unix seconds. */
  timestamp?: number | string;
  context?: InboundContext;
  referral?: Referral;
}

// Distributes over a union of types, so Body<MediaKind> is the union of the five media bodies.
type Body<T extends InboundMessage['type']> = T extends unknown ? Omit<Extract<InboundMessage, { type: T }>, keyof InboundBase> : never;

/** The one builder the others use: wraps a message body with from/id/timestamp, contacts and metadata. */
export function buildInboundMessage<T extends InboundMessage['type']>(
  business: BusinessRef, customer: CustomerRef, body: Body<T>, meta: MessageMeta = {},
): WebhookPayload {
  const message = {
    from: customer.waId,
    id: meta.id ?? newWamid(customer.waId),
    timestamp: unixSeconds(meta.timestamp),
    ...(meta.context ? { context: meta.context } : {}),
    ...(meta.referral ? { referral: meta.referral } : {}),
    ...body,
  } as InboundMessage;
  return envelope(business, { contacts: [{ profile: { name: customer.name }, wa_id: customer.waId }], messages: [message] });
}

export const buildTextMessage = (b: BusinessRef, c: CustomerRef, text: string, meta?: MessageMeta) =>
  buildInboundMessage<'text'>(b, c, { type: 'text', text: { body: text } }, meta);

/** image / audio (voice: true for push-to-talk notes) / video / document / sticker, by a media id the fake serves. */
export function buildMediaMessage(b: BusinessRef, c: CustomerRef, kind: MediaKind, media: InboundMedia, meta?: MessageMeta): WebhookPayload {
  const body = { type: kind, [kind]: media } as Body<MediaKind>;
  return buildInboundMessage(b, c, body, meta);
}

export const buildLocationMessage = (
  b: BusinessRef, c: CustomerRef, location: Extract<InboundMessage, { type: 'location' }>['location'], meta?: MessageMeta,
) => buildInboundMessage<'location'>(b, c, { type: 'location', location }, meta);

export const buildContactsMessage = (b: BusinessRef, c: CustomerRef, contacts: SharedContact[], meta?: MessageMeta) =>
  buildInboundMessage<'contacts'>(b, c, { type: 'contacts', contacts }, meta);

/** A tap on a reply button or list row of an interactive message; `meta.context` names that message. */
export const buildInteractiveReply = (b: BusinessRef, c: CustomerRef, reply: InteractiveReply, meta?: MessageMeta) =>
  buildInboundMessage<'interactive'>(b, c, { type: 'interactive', interactive: reply }, meta);

/** A tap on a template's quick-reply button (type "button", not "interactive"). */
export const buildButtonMessage = (b: BusinessRef, c: CustomerRef, button: { text: string; payload: string }, meta?: MessageMeta) =>
  buildInboundMessage<'button'>(b, c, { type: 'button', button }, meta);

/** A reaction; without an emoji (or with "") it is the removal of one, which Meta sends with no emoji field. */
export function buildReactionMessage(b: BusinessRef, c: CustomerRef, messageId: string, emoji?: string, meta?: MessageMeta): WebhookPayload {
  const reaction = emoji ? { message_id: messageId, emoji } : { message_id: messageId };
  return buildInboundMessage<'reaction'>(b, c, { type: 'reaction', reaction }, meta);
}

/** Something the Cloud API cannot pass on (polls, edits, view-once…). */
export function buildUnsupportedMessage(b: BusinessRef, c: CustomerRef, unsupportedType?: string, meta?: MessageMeta): WebhookPayload {
  const error: WebhookError = {
    code: 131051,
    title: 'Message type unknown',
    message: 'Message type unknown',
    error_data: { details: 'Message type is currently not supported.' },
    href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
  };
  return buildInboundMessage<'unsupported'>(b, c, {
    type: 'unsupported', errors: [error], ...(unsupportedType ? { unsupported: { type: unsupportedType } } : {}),
  }, meta);
}

// ---------- statuses (business → customer message lifecycle) ----------

export interface StatusInput {
  /** The wamid the Graph API returned for the business's message. */
  id: string;
  status: StatusName;
  recipientId: string;
  timestamp?: number | string;
  conversation?: StatusUpdate['conversation'];
  pricing?: StatusUpdate['pricing'];
  bizOpaqueCallbackData?: string;
  errors?: WebhookError[];
}

export function buildStatus(business: BusinessRef, s: StatusInput): WebhookPayload {
  const status: StatusUpdate = {
    id: s.id,
    status: s.status,
    timestamp: unixSeconds(s.timestamp),
    recipient_id: s.recipientId,
    ...(s.conversation ? { conversation: s.conversation } : {}),
    ...(s.pricing ? { pricing: s.pricing } : {}),
    ...(s.bizOpaqueCallbackData ? { biz_opaque_callback_data: s.bizOpaqueCallbackData } : {}),
    ...(s.errors ? { errors: s.errors } : {}),
  };
  return envelope(business, { statuses: [status] });
}

// ---------- serialisation ----------

/**
 * JSON as Meta puts it on the wire: non-ASCII as lowercase \uXXXX escapes, and "/", "<", "%", "@" escaped too. Meta
 * signs these exact bytes, so a receiver that re-serialises the parsed JSON before checking the HMAC fails on any
 * accented text — which is why the fake sends it this way. Safe as a post-pass: those characters occur only in strings.
 */
export function serializeLikeMeta(payload: unknown): string {
  return JSON.stringify(payload)
    .replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/')
    .replace(/</g, '\\u003C')
    .replace(/%/g, '\\u0025')
    .replace(/@/g, '\\u0040');
}

/**
 * The X-Hub-Signature-256 value through Web Crypto, for runtimes without node:crypto (workerd tests). The fake itself
 * signs with node:crypto (webhooks.ts signBody); both give the same header.
 */
export async function signBodyWebCrypto(body: string | Uint8Array, appSecret: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(appSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const bytes = typeof body === 'string' ? enc.encode(body) : new Uint8Array(body);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, bytes));
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
