// One inbound Meta message → the shape the ingest consumer stores in `messages` (kind, body, media, payload jsonb).
import type { MessageKind } from '../../worker/db/schema/enums';
import {
  type BaseMessage,
  KNOWN_MESSAGE_TYPES,
  type KnownMessage,
  type MetaError,
  type Referral,
  type SharedContact,
  knownInteractiveSchema,
  knownMessageSchema,
} from './webhook-schema';

export interface NormalisedMedia {
  /** Meta media id: fetch GET /{id} for a short-lived URL, then download into R2. */
  id: string;
  mimeType: string;
  sha256?: string;
  filename?: string;
  caption?: string;
  voice?: boolean;
  animated?: boolean;
  url?: string;
}

export interface NormalisedError {
  code: number;
  title: string;
  message?: string;
  details?: string;
}

export interface NormalisedMessage {
  /** The wamid; unique per organisation, the idempotency key. */
  providerMessageId: string;
  /** Sender phone (wa_id), or their BSUID when the phone number is hidden behind a username. */
  from: string;
  timestamp: Date;
  kind: MessageKind;
  /** Meta's own `type` ("order", "request_welcome", an unknown new type…) for what `kind` cannot say. */
  providerType: string;
  /** Human-readable text for the inbox and search; null when the message has none (audio, sticker, un-reaction). */
  body: string | null;
  media?: NormalisedMedia;
  replyToProviderId?: string;
  reaction?: { targetProviderId: string; emoji: string | null };
  referral?: Referral;
  /** Structured remainder for the jsonb column (Meta's objects as received, plus our flags). */
  payload: Record<string, unknown>;
  errors?: NormalisedError[];
}

export function toNormalisedError(e: MetaError): NormalisedError {
  return {
    code: e.code,
    title: e.title ?? e.message ?? 'Unknown error',
    ...(e.message !== undefined && { message: e.message }),
    ...(e.error_data?.details !== undefined && { details: e.error_data.details }),
  };
}

/** `base` already passed baseMessageSchema; `raw` is the same message as received, for typed parsing. */
export function normaliseMessage(base: BaseMessage, raw: unknown): NormalisedMessage {
  const common = commonFields(base);
  const parsed = knownMessageSchema.safeParse(raw);
  if (!parsed.success) {
    // Unknown new type, or a known type with malformed content: keep it (raw) rather than lose a customer's message.
    const known = KNOWN_MESSAGE_TYPES.has(base.type);
    return {
      ...common,
      kind: 'unsupported',
      body: null,
      payload: {
        ...common.payload,
        raw,
        ...(known && { invalid: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }),
      },
    };
  }
  return { ...common, ...byType(parsed.data, common.payload) };
}

type Common = Omit<NormalisedMessage, 'kind' | 'body'>;

function commonFields(m: BaseMessage): Common {
  const payload: Record<string, unknown> = {};
  const ctx = m.context;
  if (ctx?.forwarded) payload.forwarded = true;
  if (ctx?.frequently_forwarded) payload.frequentlyForwarded = true;
  if (ctx?.referred_product) payload.referredProduct = ctx.referred_product;
  if (m.referral) payload.referral = m.referral;
  const errors = m.errors?.map(toNormalisedError);
  if (errors?.length) payload.errors = errors;
  return {
    providerMessageId: m.id,
    from: (m.from ?? m.from_user_id)!, // the schema's refine guarantees one of them
    timestamp: m.timestamp,
    providerType: m.type,
    payload,
    ...(ctx?.id && { replyToProviderId: ctx.id }),
    ...(m.referral && { referral: m.referral }),
    ...(errors?.length && { errors }),
  };
}

type ByType = Pick<NormalisedMessage, 'kind' | 'body' | 'media' | 'reaction' | 'payload'>;

function byType(m: KnownMessage, payload: Record<string, unknown>): ByType {
  switch (m.type) {
    case 'text':
      return { kind: 'text', body: m.text.body, payload };
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const media = toMedia(m);
      const body = media.caption ?? (m.type === 'document' ? (media.filename ?? null) : null);
      return { kind: m.type, body, media, payload };
    }
    case 'location': {
      const { name, address } = m.location;
      const body = [name, address].filter((s) => s !== undefined && s !== '').join(' — ') || null;
      return { kind: 'location', body, payload: { ...payload, location: m.location } };
    }
    case 'contacts':
      return { kind: 'contacts', body: contactsSummary(m.contacts), payload: { ...payload, contacts: m.contacts } };
    case 'interactive':
      return { kind: 'interactive', body: interactiveBody(m.interactive), payload: { ...payload, interactive: interactivePayload(m.interactive) } };
    case 'button':
      return { kind: 'button', body: m.button.text, payload: { ...payload, button: m.button } };
    case 'reaction': {
      const emoji = m.reaction.emoji ? m.reaction.emoji : null; // absent or "" = reaction removed
      return {
        kind: 'reaction',
        body: emoji,
        reaction: { targetProviderId: m.reaction.message_id, emoji },
        payload: { ...payload, reaction: m.reaction },
      };
    }
    case 'system':
      return { kind: 'system', body: m.system.body ?? null, payload: { ...payload, system: m.system } };
    case 'request_welcome':
      // The user opened the chat for the first time (no content): a system marker in the conversation.
      return { kind: 'system', body: null, payload };
    case 'order':
      // The message_kind enum has no "order": shown as unsupported, with the order kept whole for later use.
      return { kind: 'unsupported', body: orderSummary(m.order), payload: { ...payload, order: m.order } };
    case 'unsupported':
      return {
        kind: 'unsupported',
        body: null,
        payload: { ...payload, ...(m.unsupported && { unsupported: m.unsupported }) },
      };
  }
}

type MediaMessage = Extract<KnownMessage, { type: 'image' | 'video' | 'audio' | 'document' | 'sticker' }>;

function toMedia(m: MediaMessage): NormalisedMedia {
  const o: { id: string; mime_type?: string; sha256?: string; url?: string } & Record<string, unknown> =
    m.type === 'image' ? m.image
    : m.type === 'video' ? m.video
    : m.type === 'audio' ? m.audio
    : m.type === 'document' ? m.document
    : m.sticker;
  const str = (k: string) => (typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : undefined);
  const caption = str('caption');
  const filename = str('filename');
  return {
    id: o.id,
    mimeType: o.mime_type || 'application/octet-stream',
    ...(o.sha256 && { sha256: o.sha256 }),
    ...(o.url && { url: o.url }),
    ...(caption !== undefined && { caption }),
    ...(filename !== undefined && { filename }),
    ...(m.type === 'audio' && m.audio.voice === true && { voice: true }),
    ...(m.type === 'sticker' && m.sticker.animated !== undefined && { animated: m.sticker.animated }),
  };
}

type Interactive = Extract<KnownMessage, { type: 'interactive' }>['interactive'];

function interactiveBody(i: Interactive): string | null {
  const known = knownInteractiveSchema.safeParse(i);
  if (!known.success) return null;
  const r = known.data;
  switch (r.type) {
    case 'button_reply':
      return r.button_reply.title;
    case 'list_reply':
      return r.list_reply.title;
    case 'nfm_reply':
      return r.nfm_reply.body || 'Formulário enviado';
  }
}

/** Keeps Meta's object and, for flows, the decoded response so the UI need not parse JSON strings. */
function interactivePayload(i: Interactive): Record<string, unknown> {
  const known = knownInteractiveSchema.safeParse(i);
  if (!known.success || known.data.type !== 'nfm_reply') return i;
  try {
    return { ...i, response: JSON.parse(known.data.nfm_reply.response_json) as unknown };
  } catch {
    return i;
  }
}

function contactName(c: SharedContact): string | undefined {
  const n = c.name;
  const full = n?.formatted_name || [n?.first_name, n?.last_name].filter(Boolean).join(' ');
  return full || c.phones?.find((p) => p.phone)?.phone || undefined;
}

/** "Contato: Maria Souza" / "3 contatos: Maria Souza, João, Ana e mais 1". Whole names only: never cut inside one. */
function contactsSummary(contacts: SharedContact[]): string {
  const names = contacts.map(contactName).filter((n): n is string => n !== undefined);
  if (contacts.length === 1) return names[0] ? `Contato: ${names[0]}` : 'Contato compartilhado';
  const shown = names.slice(0, 3).join(', ');
  const rest = contacts.length - Math.min(names.length, 3);
  return `${contacts.length} contatos${shown ? `: ${shown}` : ''}${shown && rest > 0 ? ` e mais ${rest}` : ''}`;
}

function orderSummary(order: Extract<KnownMessage, { type: 'order' }>['order']): string {
  const n = order.product_items?.length ?? 0;
  const items = n === 1 ? '1 item' : `${n} itens`;
  return order.text ? `Pedido (${items}): ${order.text}` : `Pedido (${items})`;
}
