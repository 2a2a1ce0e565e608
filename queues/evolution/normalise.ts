// Raw Evolution API v2 webhook body → the same normalised events as Meta's (queues/meta/normalise.ts), plus the
// channel's connection and QR code. Pure: no database, no network, never throws. The webhook route runs it before
// acknowledging (a malformed body is refused with 400 and nothing is stored) and the ingest consumer again to store.
//
// Shapes are Evolution v2's (whatsapp.baileys.service.ts prepareMessage): `{ event, instance, data, … }`, data being a
// message `{ key: { remoteJid, fromMe, id, participant?, remoteJidAlt?, participantAlt? }, pushName, message,
// contextInfo, messageType, messageTimestamp }` for messages.upsert / send.message, an array of them for messages.set.
import { z } from 'zod';
import type { MessageKind } from '../../worker/db/schema/enums';
import type { MessageEvent, NormalisedMessage, StatusEvent } from '../meta/normalise';
import type { MetaStatusValue } from '../meta/status-rules';
import { describe, InvalidPart, parseOrThrow, strictly } from '../strict-parse';

/** The instance's WhatsApp connection or QR code changed (stored on the channel, shown live in Settings). */
export interface ChannelStateEvent {
  kind: 'channel_state';
  channelId: string;
  instance: string;
  state?: 'open' | 'connecting' | 'close' | 'refused';
  /** The connected number, from connection.update's wuid. */
  ownerPhone?: string;
  profileName?: string;
  qrCode?: string | null;
  at: Date;
}

/** The sender deleted a message for everyone. */
export interface RevokedEvent {
  kind: 'revoked';
  channelId: string;
  providerMessageId: string;
  at: Date;
}

export interface IgnoredEvolutionEvent {
  kind: 'ignored';
  channelId: string;
  reason: string;
}

export type EvolutionEvent = MessageEvent | StatusEvent | ChannelStateEvent | RevokedEvent | IgnoredEvolutionEvent;
export type EvolutionParse = { ok: true; instance: string; event: string; events: EvolutionEvent[] } | { ok: false; error: string };

const envelopeSchema = z.object({
  event: z.string().min(1),
  instance: z.string().min(1),
  data: z.unknown(),
  date_time: z.string().optional(),
});

const keySchema = z.looseObject({
  remoteJid: z.string().min(1),
  fromMe: z.boolean().optional().default(false),
  id: z.string().min(1),
  participant: z.string().nullish(),
  remoteJidAlt: z.string().nullish(),
  participantAlt: z.string().nullish(),
  senderPn: z.string().nullish(),
  senderLid: z.string().nullish(),
  addressingMode: z.string().nullish(),
});

const timestampSchema = z.union([z.number(), z.string().regex(/^\d+$/)]).transform((v) => Number(v));

const messageSchema = z.looseObject({
  key: keySchema,
  pushName: z.string().nullish(),
  message: z.record(z.string(), z.unknown()).nullish(),
  contextInfo: z.record(z.string(), z.unknown()).nullish(),
  messageType: z.string().nullish(),
  messageTimestamp: timestampSchema.nullish(),
  status: z.string().nullish(),
});
type RawMessage = z.infer<typeof messageSchema>;

// v2 sends `{ keyId, remoteJid, fromMe, status: "READ" }`; older releases Baileys' own `{ key, update: { status: 4 } }`.
const updateSchema = z.looseObject({
  keyId: z.string().min(1).optional(),
  key: keySchema.partial().optional(),
  remoteJid: z.string().nullish(),
  fromMe: z.boolean().nullish(),
  status: z.union([z.string(), z.number()]).nullish(),
  update: z.looseObject({ status: z.union([z.string(), z.number()]).nullish() }).nullish(),
});

/** Baileys' numeric statuses (Evolution's renderStatus.ts). */
const NUMERIC_STATUS = ['ERROR', 'PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ', 'PLAYED'];

const connectionSchema = z.looseObject({
  state: z.enum(['open', 'connecting', 'close', 'refused']),
  wuid: z.string().nullish(),
  profileName: z.string().nullish(),
  statusReason: z.number().nullish(),
});

const qrSchema = z.looseObject({
  qrcode: z.looseObject({ base64: z.string().nullish(), code: z.string().nullish() }).optional(),
  message: z.string().optional(),
});

/** Evolution's message statuses (renderStatus.ts) → ours; PENDING says nothing new. */
const STATUS: Record<string, MetaStatusValue | undefined> = {
  SERVER_ACK: 'sent',
  DELIVERY_ACK: 'delivered',
  READ: 'read',
  PLAYED: 'read',
  ERROR: 'failed',
};

export function parseEvolutionWebhook(rawBody: string, channelId: string, receivedAt = new Date()): EvolutionParse {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch (err) {
    return { ok: false, error: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, error: describe('', envelope.error) };
  const { event, instance, data } = envelope.data;
  // Evolution names events "messages.upsert"; its config and some versions say "MESSAGES_UPSERT".
  const name = event.toLowerCase().replace(/_/g, '.');
  const at = new Date(envelope.data.date_time ?? '');
  const eventAt = Number.isNaN(at.getTime()) ? receivedAt : at;
  const parsed = strictly(() => byEvent(name, data, channelId, instance, eventAt));
  return parsed.ok ? { ok: true, instance, event: name, events: parsed.value } : parsed;
}


function byEvent(name: string, data: unknown, channelId: string, instance: string, at: Date): EvolutionEvent[] {
  switch (name) {
    case 'messages.upsert':
    case 'send.message': {
      // Some releases wrap one message as { messages: [...] }; v2 sends the message itself.
      const list = Array.isArray((data as any)?.messages) ? (data as any).messages : [data];
      return list.flatMap((m: unknown, i: number) => messageEvents(parseOrThrow(messageSchema, m, `data${list.length > 1 ? `.messages[${i}]` : ''}`), channelId, at, name === 'send.message'));
    }
    case 'messages.set': {
      // History sync: an array (v2), or { messages: [...] } in older releases.
      const list = Array.isArray(data) ? data : Array.isArray((data as any)?.messages) ? (data as any).messages : null;
      if (!list) throw new InvalidPart('data: expected an array of messages');
      return list.flatMap((m: unknown, i: number) => messageEvents(parseOrThrow(messageSchema, m, `data[${i}]`), channelId, at, false, true));
    }
    case 'messages.update': {
      const list = Array.isArray(data) ? data : [data];
      return list.flatMap((u: unknown, i: number) => statusEvents(parseOrThrow(updateSchema, u, `data[${i}]`), channelId, at));
    }
    case 'messages.delete': {
      const key = parseOrThrow(keySchema, (data as any)?.key ?? data, 'data');
      return [{ kind: 'revoked', channelId, providerMessageId: key.id, at }];
    }
    case 'connection.update': {
      const c = parseOrThrow(connectionSchema, data, 'data');
      const owner = c.wuid ? phoneOf(c.wuid) : undefined;
      return [
        {
          kind: 'channel_state',
          channelId,
          instance,
          state: c.state,
          ...(owner && { ownerPhone: owner }),
          ...(c.profileName && { profileName: c.profileName }),
          // Connected: the QR code is spent.
          ...(c.state === 'open' && { qrCode: null }),
          at,
        },
      ];
    }
    case 'qrcode.updated': {
      const q = parseOrThrow(qrSchema, data, 'data');
      // "QR code limit reached": no code; the instance stops trying until reconnected.
      if (!q.qrcode?.base64) return [{ kind: 'channel_state', channelId, instance, state: 'close', qrCode: null, at }];
      return [{ kind: 'channel_state', channelId, instance, state: 'connecting', qrCode: q.qrcode.base64, at }];
    }
    default:
      return [{ kind: 'ignored', channelId, reason: `event "${name}" is not handled` }];
  }
}

const isGroup = (jid: string) => jid.endsWith('@g.us');
const isLid = (jid: string) => jid.endsWith('@lid');
const isPhoneJid = (jid: string) => /@(s\.whatsapp\.net|c\.us)$/.test(jid);
/** "5511987654321@s.whatsapp.net" (or with a device suffix ":12") → "5511987654321". */
const phoneOf = (jid: string) => (isPhoneJid(jid) ? jid.split('@')[0]!.split(':')[0]! : undefined);

/** The customer's id as we keep it: their phone digits when known, else the LID (…@lid) or the group (…@g.us). */
function customerId(jid: string, ...alternatives: (string | null | undefined)[]): { waId: string; lid?: string } {
  const phone = phoneOf(jid) ?? alternatives.map((a) => (a ? phoneOf(a) : undefined)).find(Boolean);
  if (isLid(jid)) return phone ? { waId: phone, lid: jid } : { waId: jid };
  return { waId: phone ?? jid };
}

function messageEvents(m: RawMessage, channelId: string, at: Date, sentByApi: boolean, history = false): MessageEvent[] {
  const key = m.key;
  if (key.remoteJid === 'status@broadcast' || key.remoteJid.endsWith('@broadcast') || key.remoteJid.endsWith('@newsletter')) return [];
  const content = m.message ?? {};
  // Edits and protocol messages (deletions arrive as messages.delete) are not messages of the chat.
  if (content.protocolMessage || content.editedMessage || content.pollUpdateMessage) return [];
  const group = isGroup(key.remoteJid);
  const customer = group ? { waId: key.remoteJid } : customerId(key.remoteJid, key.remoteJidAlt, key.senderPn);
  const fromMe = key.fromMe === true;
  const normalised = normaliseContent(m, content);
  const timestamp = m.messageTimestamp ? new Date(m.messageTimestamp * 1000) : at;
  const payload: Record<string, unknown> = { ...normalised.payload, provider: 'evolution' };
  if (history) payload.history = true;
  if (sentByApi) payload.sentByApi = true;
  if (group && !fromMe) {
    const participant = key.participant ?? '';
    const who = customerId(participant, key.participantAlt, key.senderPn);
    payload.sender = { id: who.waId, ...(who.lid && { lid: who.lid }), ...(m.pushName && { name: m.pushName }) };
  }
  const message: NormalisedMessage = {
    providerMessageId: key.id,
    from: fromMe ? 'me' : customer.waId,
    timestamp,
    kind: normalised.kind,
    providerType: m.messageType ?? Object.keys(content)[0] ?? 'unknown',
    body: normalised.body,
    ...(normalised.media && { media: normalised.media }),
    ...(normalised.reaction && { reaction: normalised.reaction }),
    ...(normalised.replyTo && { replyToProviderId: normalised.replyTo }),
    payload,
  };
  return [
    {
      kind: 'message',
      phoneNumberId: '',
      channelId,
      wabaId: '',
      // A group's name is not in its messages; the sender's pushName is the participant's, not the group's.
      contact: { waId: customer.waId, ...(!group && !fromMe && m.pushName && { profileName: m.pushName }), ...(customer.lid && { lid: customer.lid }) },
      ...(fromMe && { fromMe: true }),
      message,
    },
  ];
}

interface Content {
  kind: MessageKind;
  body: string | null;
  media?: NormalisedMessage['media'];
  reaction?: NormalisedMessage['reaction'];
  replyTo?: string;
  payload: Record<string, unknown>;
}

const MEDIA_KINDS: Record<string, MessageKind> = {
  imageMessage: 'image',
  videoMessage: 'video',
  ptvMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker',
};

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

function normaliseContent(m: RawMessage, raw: Record<string, unknown>): Content {
  // Unwrap what WhatsApp nests: view-once, ephemeral and captioned documents.
  let content = raw;
  for (const wrapper of ['ephemeralMessage', 'viewOnceMessage', 'viewOnceMessageV2', 'documentWithCaptionMessage']) {
    const inner = (content[wrapper] as { message?: Record<string, unknown> } | undefined)?.message;
    if (inner) content = { ...content, ...inner };
  }
  const context = (m.contextInfo ?? (Object.values(content).find((v) => v && typeof v === 'object' && 'contextInfo' in (v as object)) as any)?.contextInfo) as
    | { stanzaId?: string; quotedMessage?: unknown }
    | undefined;
  const replyTo = str(context?.stanzaId);
  const base = { ...(replyTo && { replyTo }), payload: {} as Record<string, unknown> };

  const text = str(content.conversation) ?? str((content.extendedTextMessage as any)?.text);
  if (text !== undefined) return { ...base, kind: 'text', body: text };

  for (const [field, kind] of Object.entries(MEDIA_KINDS)) {
    const media = content[field] as Record<string, unknown> | undefined;
    if (!media || typeof media !== 'object') continue;
    const caption = str(media.caption);
    const filename = str(media.fileName) ?? str(media.title);
    const mimeType = str(media.mimetype) ?? (kind === 'audio' ? 'audio/ogg' : 'application/octet-stream');
    return {
      ...base,
      kind,
      body: caption ?? (kind === 'document' ? (filename ?? null) : null),
      media: {
        // Evolution fetches media by the message's id (getBase64FromMediaMessage).
        id: m.key.id,
        mimeType,
        ...(caption !== undefined && { caption }),
        ...(filename !== undefined && { filename }),
        ...(kind === 'audio' && media.ptt === true && { voice: true }),
        ...(kind === 'sticker' && typeof media.isAnimated === 'boolean' && { animated: media.isAnimated }),
      },
      // Sent inline when the webhook has base64 on: saves a round trip to Evolution.
      payload: typeof content.base64 === 'string' ? { inlineMedia: true } : {},
    };
  }

  const location = (content.locationMessage ?? content.liveLocationMessage) as Record<string, unknown> | undefined;
  if (location) {
    const latitude = Number(location.degreesLatitude);
    const longitude = Number(location.degreesLongitude);
    const body = [str(location.name), str(location.address)].filter(Boolean).join(' — ') || null;
    return { ...base, kind: 'location', body, payload: { location: { latitude, longitude, name: str(location.name), address: str(location.address) } } };
  }

  const contact = content.contactMessage as Record<string, unknown> | undefined;
  const contactList = (content.contactsArrayMessage as { contacts?: Record<string, unknown>[] } | undefined)?.contacts;
  if (contact || contactList) {
    const list = contact ? [contact] : (contactList ?? []);
    const contacts = list.map((c) => ({ name: { formatted_name: str(c.displayName) }, phones: phonesOfVcard(str(c.vcard)) }));
    const names = contacts.map((c) => c.name.formatted_name).filter(Boolean);
    const body = list.length === 1 ? (names[0] ? `Contato: ${names[0]}` : 'Contato compartilhado') : `${list.length} contatos${names.length ? `: ${names.slice(0, 3).join(', ')}` : ''}`;
    return { ...base, kind: 'contacts', body, payload: { contacts } };
  }

  const reaction = content.reactionMessage as { key?: { id?: string }; text?: string } | undefined;
  if (reaction?.key?.id) {
    const emoji = str(reaction.text) ?? null;
    return { ...base, kind: 'reaction', body: emoji, reaction: { targetProviderId: reaction.key.id, emoji }, payload: { reaction: { message_id: reaction.key.id, emoji } } };
  }

  const buttons = (content.buttonsResponseMessage ?? content.templateButtonReplyMessage) as Record<string, unknown> | undefined;
  if (buttons) return { ...base, kind: 'button', body: str(buttons.selectedDisplayText) ?? str(buttons.selectedId) ?? null, payload: { button: buttons } };
  const list = content.listResponseMessage as Record<string, unknown> | undefined;
  if (list) return { ...base, kind: 'interactive', body: str(list.title) ?? null, payload: { interactive: list } };

  // Polls, calls, new kinds: kept (raw) rather than lose a customer's message.
  return { ...base, kind: 'unsupported', body: null, payload: { raw: content } };
}

function phonesOfVcard(vcard: string | undefined): { phone: string; wa_id?: string }[] {
  if (!vcard) return [];
  return [...vcard.matchAll(/^TEL([^:]*):(.+)$/gim)].map((m) => {
    const waId = /waid=(\d+)/i.exec(m[1]!)?.[1];
    return { phone: m[2]!.trim(), ...(waId && { wa_id: waId }) };
  });
}

function statusEvents(u: z.infer<typeof updateSchema>, channelId: string, at: Date): StatusEvent[] {
  const id = u.keyId ?? u.key?.id;
  const fromMe = u.fromMe ?? u.key?.fromMe;
  // Only our messages' statuses matter; READ on a customer's message is our own read receipt echoing back.
  if (!id || fromMe === false) return [];
  const raw = u.status ?? u.update?.status;
  const name = typeof raw === 'number' ? NUMERIC_STATUS[raw] : raw;
  // DELETED, PENDING, edits (no status at all): nothing to move.
  const status = name ? STATUS[name] : undefined;
  if (!status || !name) return [];
  return [
    {
      kind: 'status',
      phoneNumberId: '',
      channelId,
      wabaId: '',
      providerMessageId: id,
      status,
      providerStatus: name,
      timestamp: at,
      ...(status === 'failed' && { error: { code: 0, title: 'Falha no envio', message: 'O WhatsApp recusou a mensagem (Evolution: ERROR).' } }),
    },
  ];
}
