// Realistic WhatsApp Cloud API webhook bodies, as Meta POSTs them to /webhooks/whatsapp. Every builder returns the
// whole body (object → entry[] → changes[] → value); ids are fresh per call so tests that store them never collide.
// Shapes follow https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
import type { z } from 'zod';
import type { webhookEnvelopeSchema } from './webhook-schema';

export type WebhookBody = z.input<typeof webhookEnvelopeSchema>;
type Json = Record<string, unknown>;

export const FIXTURE = {
  wabaId: '102290129340398',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '551140028922',
  customerWaId: '5511987654321',
  customerName: 'Maria Conceição',
  timestamp: '1749416383',
} as const;

/** A realistic-looking, unique wamid. */
export function wamid(): string {
  const hex = crypto.randomUUID().replace(/-/g, '').toUpperCase();
  return `wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYIDNB${hex}AA==`;
}

export interface ChannelOpts {
  wabaId?: string;
  phoneNumberId?: string;
  displayPhoneNumber?: string;
}

export interface InboundOpts extends ChannelOpts {
  id?: string;
  from?: string;
  name?: string;
  timestamp?: string;
  /** Reply/forward context, e.g. { from, id } for a quoted reply. */
  context?: Json;
  /** Click-to-WhatsApp ad attribution (see referral()). */
  referral?: Json;
}

/** The envelope: one entry per { wabaId, changes }. */
export function envelope(...entries: { wabaId?: string | undefined; changes: { field: string; value: Json }[] }[]): WebhookBody {
  return {
    object: 'whatsapp_business_account',
    entry: entries.map((e) => ({ id: e.wabaId ?? FIXTURE.wabaId, changes: e.changes })),
  };
}

function metadata(o: ChannelOpts): Json {
  return {
    display_phone_number: o.displayPhoneNumber ?? FIXTURE.displayPhoneNumber,
    phone_number_id: o.phoneNumberId ?? FIXTURE.phoneNumberId,
  };
}

/** One inbound message object (what goes in value.messages[]), with the common fields. */
export function message(type: string, content: Json, o: InboundOpts = {}): Json {
  return {
    ...(o.context && { context: o.context }),
    from: o.from ?? FIXTURE.customerWaId,
    id: o.id ?? wamid(),
    timestamp: o.timestamp ?? FIXTURE.timestamp,
    type,
    ...content,
    ...(o.referral && { referral: o.referral }),
  };
}

/** A "messages" change value holding the given messages, sent by one customer. */
export function messagesValue(messages: Json[], o: InboundOpts = {}): Json {
  return {
    messaging_product: 'whatsapp',
    metadata: metadata(o),
    contacts: [{ profile: { name: o.name ?? FIXTURE.customerName }, wa_id: o.from ?? FIXTURE.customerWaId }],
    messages,
  };
}

/** Wraps one message object into a full webhook body. */
export function inbound(msg: Json, o: InboundOpts = {}): WebhookBody {
  return envelope({ wabaId: o.wabaId, changes: [{ field: 'messages', value: messagesValue([msg], o) }] });
}

// ── One builder per message type ──────────────────────────────────────────────────────────────────────────────────

export const textMessage = (body = 'Olá! Vocês entregam em São Paulo? 😊', o: InboundOpts = {}) =>
  inbound(message('text', { text: { body } }, o), o);

const mediaObject = (mime: string, extra: Json = {}): Json => ({
  mime_type: mime,
  sha256: 'fUPf3B7ZxUbVj0UCz4GKxZ5Gc0IxcmT4ZdB5b0kXuxY=',
  id: `${Math.floor(1e15 + Math.random() * 9e15)}`,
  ...extra,
});

/** caption null = no caption. */
export const imageMessage = (caption: string | null = 'Foto do produto com defeito', o: InboundOpts = {}) =>
  inbound(message('image', { image: mediaObject('image/jpeg', caption === null ? {} : { caption }) }, o), o);

export const videoMessage = (caption: string | null = 'Vídeo da instalação', o: InboundOpts = {}) =>
  inbound(message('video', { video: mediaObject('video/mp4', caption === null ? {} : { caption }) }, o), o);

/** voice: true is a push-to-talk voice note; false/absent is an audio file. */
export const audioMessage = (voice = true, o: InboundOpts = {}) =>
  inbound(message('audio', { audio: mediaObject('audio/ogg; codecs=opus', { voice }) }, o), o);

export const documentMessage = (filename = 'Nota fiscal nº 123.pdf', caption?: string, o: InboundOpts = {}) =>
  inbound(
    message('document', { document: mediaObject('application/pdf', { filename, ...(caption && { caption }) }) }, o),
    o,
  );

export const stickerMessage = (animated = false, o: InboundOpts = {}) =>
  inbound(message('sticker', { sticker: mediaObject('image/webp', { animated }) }, o), o);

export const locationMessage = (o: InboundOpts = {}) =>
  inbound(
    message(
      'location',
      {
        location: {
          latitude: -23.561684,
          longitude: -46.655981,
          name: 'Loja Paulista',
          address: 'Av. Paulista, 1578 - Bela Vista, São Paulo - SP',
          url: 'https://maps.example.com/loja-paulista',
        },
      },
      o,
    ),
    o,
  );

export const sharedContact = (formatted: string, phone: string): Json => ({
  name: { formatted_name: formatted, first_name: formatted.split(' ')[0] },
  phones: [{ phone, wa_id: phone.replace(/\D/g, ''), type: 'CELL' }],
  emails: [{ email: 'contato@example.com.br', type: 'WORK' }],
  org: { company: 'Padaria Pão Quente' },
});

export const contactsMessage = (contacts: Json[] = [sharedContact('João da Silva', '+55 11 91234-5678')], o: InboundOpts = {}) =>
  inbound(message('contacts', { contacts }, o), o);

export const buttonReplyMessage = (id = 'confirmar_pedido', title = 'Confirmar ✅', o: InboundOpts = {}) =>
  inbound(message('interactive', { interactive: { type: 'button_reply', button_reply: { id, title } } }, o), o);

export const listReplyMessage = (
  id = 'horario_tarde',
  title = 'Tarde',
  description = 'Entre 13h e 18h',
  o: InboundOpts = {},
) => inbound(message('interactive', { interactive: { type: 'list_reply', list_reply: { id, title, description } } }, o), o);

/** A WhatsApp Flow submission. */
export const nfmReplyMessage = (response: Json = { flow_token: 'tok-1', nome: 'Maria', cep: '01310-200' }, o: InboundOpts = {}) =>
  inbound(
    message(
      'interactive',
      { interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: JSON.stringify(response) } } },
      o,
    ),
    o,
  );

/** Template quick-reply button press; Meta also sets context to the template message. */
export const templateButtonMessage = (text = 'Sim, quero receber', payload = 'OPT_IN_YES', o: InboundOpts = {}) =>
  inbound(message('button', { button: { text, payload } }, o), o);

/** emoji undefined = the customer removed their reaction (Meta omits the field). */
export const reactionMessage = (targetId: string, emoji?: string, o: InboundOpts = {}) =>
  inbound(message('reaction', { reaction: { message_id: targetId, ...(emoji !== undefined && { emoji }) } }, o), o);

/** A message type Cloud API does not support (e.g. a poll), as Meta reports it. */
export const unsupportedMessage = (unsupportedType = 'poll_creation', o: InboundOpts = {}) =>
  inbound(
    message(
      'unsupported',
      {
        errors: [
          {
            code: 131051,
            title: 'Message type unknown',
            message: 'Message type unknown',
            error_data: { details: 'Message type is currently not supported.' },
          },
        ],
        unsupported: { type: unsupportedType },
      },
      o,
    ),
    o,
  );

/** The customer changed number. Meta sends no contacts array for system messages. */
export function systemMessage(newWaId = '5511912345678', o: InboundOpts = {}): WebhookBody {
  const msg = message(
    'system',
    {
      system: {
        body: `User ${FIXTURE.customerName} changed from ${o.from ?? FIXTURE.customerWaId} to ${newWaId}`,
        wa_id: newWaId,
        type: 'user_changed_number',
      },
    },
    o,
  );
  const value = { messaging_product: 'whatsapp', metadata: metadata(o), messages: [msg] };
  return envelope({ wabaId: o.wabaId, changes: [{ field: 'messages', value }] });
}

export const orderMessage = (o: InboundOpts = {}) =>
  inbound(
    message(
      'order',
      {
        order: {
          catalog_id: '1234567890',
          text: 'Pode embrulhar para presente?',
          product_items: [
            { product_retailer_id: 'SKU-CAFE-500', quantity: 2, item_price: 34.9, currency: 'BRL' },
            { product_retailer_id: 'SKU-CANECA', quantity: 1, item_price: 49.9, currency: 'BRL' },
          ],
        },
      },
      o,
    ),
    o,
  );

/** context for a quoted reply to one of our messages. */
export const replyContext = (quotedId: string, from: string = FIXTURE.displayPhoneNumber): Json => ({ from, id: quotedId });

/** Click-to-WhatsApp ad attribution, as on the first message after the click. */
export const referral = (over: Json = {}): Json => ({
  source_url: 'https://fb.me/3cr4Wqqkv',
  source_id: '120212345678900',
  source_type: 'ad',
  headline: 'Frete grátis para todo o Brasil',
  body: 'Peça já o seu café especial ☕',
  media_type: 'image',
  image_url: 'https://scontent.example.com/ad.jpg',
  ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a',
  ...over,
});

// ── Statuses ───────────────────────────────────────────────────────────────────────────────────────────────────────

export interface StatusOpts extends ChannelOpts {
  id?: string;
  recipientId?: string;
  timestamp?: string;
  errors?: Json[];
}

/** One status object (what goes in value.statuses[]), with PMP pricing for sent/delivered/read. */
export function status(value: string, o: StatusOpts = {}): Json {
  return {
    id: o.id ?? wamid(),
    status: value,
    timestamp: o.timestamp ?? FIXTURE.timestamp,
    recipient_id: o.recipientId ?? FIXTURE.customerWaId,
    ...(value === 'failed'
      ? { errors: o.errors ?? [metaError(131047)] }
      : { pricing: { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' } }),
  };
}

export function statusWebhook(value: string, o: StatusOpts = {}): WebhookBody {
  return statusesWebhook([status(value, o)], o);
}

export function statusesWebhook(statuses: Json[], o: ChannelOpts = {}): WebhookBody {
  const v = { messaging_product: 'whatsapp', metadata: metadata(o), statuses };
  return envelope({ wabaId: o.wabaId, changes: [{ field: 'messages', value: v }] });
}

const ERROR_TEXT: Record<number, [string, string]> = {
  131047: [
    'Re-engagement message',
    'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  ],
  131026: ['Message undeliverable', 'Unable to deliver message.'],
  130429: ['Rate limit hit', 'Cloud API message throughput has been reached.'],
};

export function metaError(code: number): Json {
  const [title, details] = ERROR_TEXT[code] ?? ['Something went wrong', 'Unknown error.'];
  return {
    code,
    title,
    message: title,
    error_data: { details },
    href: 'https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes',
  };
}

// ── Other webhook fields ───────────────────────────────────────────────────────────────────────────────────────────

type Change = { field: string; value: Json };

const templateStatusChange = (): Change => ({
  field: 'message_template_status_update',
  value: {
    event: 'APPROVED',
    message_template_id: 1234567890123456,
    message_template_name: 'confirmacao_pedido',
    message_template_language: 'pt_BR',
    reason: 'NONE',
  },
});

export const templateStatusUpdate = (o: ChannelOpts = {}) =>
  envelope({ wabaId: o.wabaId, changes: [templateStatusChange()] });

export const accountUpdate = (o: ChannelOpts = {}) =>
  envelope({
    wabaId: o.wabaId,
    changes: [{ field: 'account_update', value: { phone_number: FIXTURE.displayPhoneNumber, event: 'VERIFIED_ACCOUNT' } }],
  });

// ── Several entries, changes and events in one body ────────────────────────────────────────────────────────────────

/**
 * Two WABAs: the first has two changes (two messages from two customers, then statuses), the second a template
 * update. Events in payload order: text, image, delivered, read, ignored.
 */
export function multiEntryWebhook(ids: { text?: string; image?: string; delivered?: string; read?: string } = {}) {
  const second = { from: '5521998887777', name: 'José' };
  const messages: Change = {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: metadata({}),
      contacts: [
        { profile: { name: FIXTURE.customerName }, wa_id: FIXTURE.customerWaId },
        { profile: { name: second.name }, wa_id: second.from },
      ],
      messages: [
        message('text', { text: { body: 'Bom dia!' } }, { id: ids.text }),
        message('image', { image: mediaObject('image/png') }, { id: ids.image, from: second.from }),
      ],
    },
  };
  const statuses: Change = {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: metadata({}),
      statuses: [status('delivered', { id: ids.delivered }), status('read', { id: ids.read })],
    },
  };
  return envelope({ changes: [messages, statuses] }, { wabaId: '987654321098765', changes: [templateStatusChange()] });
}
