// A customer (or the business's own phone) writes: builds the messageRaw Evolution would post for each kind of
// WhatsApp message — text both ways (conversation / extendedTextMessage), media, location, contact, reaction, quoted
// replies, groups, @lid senders with or without their phone — stores it, and posts messages.upsert (or, for a
// history sync, one messages.set with many).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { digitsFrom, newMessageId, unixSeconds, type Source } from './ids';
import { describeMedia, MESSAGE_TYPE, mediaContent, sampleBytes, type MediaKind } from './media';
import { quoteContext, storeMessage } from './messages';
import {
  findMessage, ownerJid, type FakeEvolutionState, type Instance, type MessageKey, type MessageRaw, type StoredMedia, type StoredMessage,
} from './state';
import { emit, webhookMessage, type Envelope } from './webhook';

export const KINDS = ['text', 'image', 'audio', 'ptt', 'video', 'document', 'sticker', 'location', 'contact', 'reaction'] as const;

export const customerMessageSchema = z.object({
  /** The customer's phone, digits (formatting is ignored). */
  from: z.string().min(1),
  name: z.string().optional(),
  kind: z.enum(KINDS).default('text'),
  text: z.string().optional(),
  textAs: z.enum(['conversation', 'extendedTextMessage']).optional(),
  caption: z.string().optional(),
  fileName: z.string().optional(),
  mimeType: z.string().optional(),
  bytesBase64: z.string().optional(),
  seconds: z.number().int().positive().optional(),
  quotedId: z.string().optional(),
  reactTo: z.object({ id: z.string().min(1), fromMe: z.boolean().optional() }).optional(),
  emoji: z.string().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
  locationName: z.string().optional(),
  address: z.string().optional(),
  contactName: z.string().optional(),
  contactNumber: z.string().optional(),
  group: z.object({ id: z.string().optional(), subject: z.string().optional() }).optional(),
  lid: z.object({ lid: z.string().optional(), withAlt: z.boolean().default(true) }).optional(),
  fromMe: z.boolean().optional(),
  timestamp: z.number().int().positive().optional(),
  id: z.string().min(1).optional(),
  /** The device the message "comes from" (its id style and `source`); default android, web when fromMe. */
  source: z.enum(['android', 'ios', 'web']).optional(),
  /** Leave out messageContextInfo (device list metadata), which not every message has. */
  noDeviceInfo: z.boolean().optional(),
});

export type CustomerMessageInput = z.input<typeof customerMessageSchema>;
type Parsed = z.output<typeof customerMessageSchema>;

export interface CustomerMessageResult {
  id: string;
  remoteJid: string;
  webhook: Envelope | null;
  /** HTTP status of the webhook delivery (null: unreachable, or no webhook for messages.upsert). */
  delivered: number | null;
  message: MessageRaw;
}

/** A customer's stable LID: 15 digits derived from the phone. */
export const lidOf = (phone: string): string => `1${digitsFrom(`lid:${phone}`, 14)}@lid`;

/** A group's JID from its subject, so the same subject is the same group. */
export const groupJidOf = (subject: string): string => `120363${digitsFrom(`group:${subject}`, 12)}@g.us`;

const jidOfLid = (lid: string) => (lid.includes('@') ? lid : `${lid}@lid`);

function buildKey(inst: Instance, p: Parsed, id: string): MessageKey {
  const phone = p.from.replace(/\D/g, '');
  const phoneJid = `${phone}@s.whatsapp.net`;
  const lid = p.lid ? jidOfLid(p.lid.lid ?? lidOf(phone)) : undefined;
  const fromMe = p.fromMe ?? false;
  if (p.group) {
    const remoteJid = p.group.id ? (p.group.id.includes('@') ? p.group.id : `${p.group.id}@g.us`) : groupJidOf(p.group.subject ?? 'Grupo');
    if (fromMe) return { remoteJid, fromMe, id, participant: ownerJid(inst) };
    if (lid) return { remoteJid, fromMe, id, participant: lid, ...(p.lid!.withAlt ? { participantAlt: phoneJid } : {}), addressingMode: 'lid' };
    return { remoteJid, fromMe, id, participant: phoneJid };
  }
  if (lid) return { remoteJid: lid, fromMe, id, ...(p.lid!.withAlt ? { remoteJidAlt: phoneJid } : {}), addressingMode: 'lid' };
  return { remoteJid: phoneJid, fromMe, id };
}

function deviceListMetadata() {
  const ts = String(unixSeconds() - 86400);
  return {
    messageContextInfo: {
      deviceListMetadata: { senderKeyHash: randomBytes(10).toString('base64'), senderTimestamp: ts, recipientKeyHash: randomBytes(10).toString('base64'), recipientTimestamp: ts },
      deviceListMetadataVersion: 2,
    },
  };
}

function vcard(name: string, number: string): string {
  const digits = number.replace(/\D/g, '');
  const pretty = digits.length === 13 ? `+${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 9)}-${digits.slice(9)}` : `+${digits}`;
  return `BEGIN:VCARD\nVERSION:3.0\nN:;${name};;;\nFN:${name}\nTEL;type=CELL;type=VOICE;waid=${digits}:${pretty}\nEND:VCARD`;
}

/** The message content (and type) of one input, with its media. */
function buildContent(
  state: FakeEvolutionState, inst: Instance, p: Parsed, chatJid: string, contextInfo: Record<string, unknown> | null,
): { message: Record<string, unknown>; media?: StoredMedia } {
  const ctx = contextInfo ? { contextInfo } : {};
  switch (p.kind) {
    case 'text': {
      const text = p.text ?? 'Olá! Gostaria de mais informações.';
      const as = p.textAs ?? (contextInfo ? 'extendedTextMessage' : 'conversation');
      return { message: as === 'conversation' ? { conversation: text } : { extendedTextMessage: { text, ...ctx } } };
    }
    case 'location':
      return {
        message: {
          locationMessage: {
            degreesLatitude: p.latitude ?? -23.5613, degreesLongitude: p.longitude ?? -46.6565,
            ...(p.locationName !== undefined ? { name: p.locationName } : {}), ...(p.address !== undefined ? { address: p.address } : {}), ...ctx,
          },
        },
      };
    case 'contact': {
      const displayName = p.contactName ?? 'Ana Souza';
      return { message: { contactMessage: { displayName, vcard: vcard(displayName, p.contactNumber ?? '5511912345678'), ...ctx } } };
    }
    case 'reaction': {
      if (!p.reactTo) throw new InputError('reactTo is required for a reaction');
      const target = findMessage(state, inst.name, p.reactTo.id);
      const fromMe = p.reactTo.fromMe ?? target?.raw.key.fromMe ?? true;
      const key = { remoteJid: target?.raw.key.remoteJid ?? chatJid, fromMe, id: p.reactTo.id, ...(target?.raw.key.participant ? { participant: target.raw.key.participant } : {}) };
      return { message: { reactionMessage: { key, text: p.emoji ?? '👍', senderTimestampMs: String(Date.now()) } } };
    }
    default: {
      const kind = p.kind as MediaKind;
      const bytes = p.bytesBase64 ? Buffer.from(p.bytesBase64, 'base64') : sampleBytes(kind);
      const caption = p.caption ?? (kind === 'image' || kind === 'video' ? p.text : undefined);
      const media = describeMedia(kind, bytes, {
        ...(p.mimeType ? { mimetype: p.mimeType } : {}),
        ...(p.fileName !== undefined ? { fileName: p.fileName } : kind === 'document' ? { fileName: 'pedido.pdf' } : {}),
        ...(caption !== undefined && ['image', 'video', 'document'].includes(kind) ? { caption } : {}),
      });
      return {
        message: { [MESSAGE_TYPE[kind]]: mediaContent(kind, media, { ...(p.seconds ? { seconds: p.seconds } : {}), ...(contextInfo ? { contextInfo } : {}) }) },
        media,
      };
    }
  }
}

export class InputError extends Error {}

/** Builds and stores one incoming message (no webhook). */
export function buildCustomerMessage(state: FakeEvolutionState, inst: Instance, input: CustomerMessageInput): StoredMessage {
  const p = customerMessageSchema.parse(input);
  if (findMessage(state, inst.name, p.id ?? '')) throw new InputError(`message ${p.id} already exists`);
  const fromMe = p.fromMe ?? false;
  const source: Source = p.source ?? 'android';
  const id = p.id ?? newMessageId(source);
  const key = buildKey(inst, p, id);
  const contextInfo = p.quotedId
    ? quoteContext(state, inst, { key: { id: p.quotedId, remoteJid: key.remoteJid } }) ?? { stanzaId: p.quotedId, participant: ownerJid(inst), quotedMessage: { conversation: '' } }
    : null;
  const { message, media } = buildContent(state, inst, p, key.remoteJid, contextInfo);
  const raw: MessageRaw = {
    key,
    pushName: fromMe ? inst.profileName : p.name ?? 'Maria Silva',
    // A message typed on the business phone reaches Evolution already acknowledged by the server.
    status: fromMe ? 'SERVER_ACK' : 'DELIVERY_ACK',
    message: { ...message, ...(p.noDeviceInfo ? {} : deviceListMetadata()) },
    contextInfo,
    messageType: Object.keys(message)[0]!,
    messageTimestamp: p.timestamp ?? unixSeconds(),
    instanceId: inst.id,
    source,
  };
  return storeMessage(state, inst, fromMe ? 'outbound' : 'inbound', raw, media);
}

/** A customer writes: messages.upsert, awaited so the caller knows Conversa got (or refused) it. */
export async function sendCustomerMessage(state: FakeEvolutionState, inst: Instance, input: CustomerMessageInput): Promise<CustomerMessageResult> {
  const stored = buildCustomerMessage(state, inst, input);
  const emitted = await emit(state, inst, 'messages.upsert', webhookMessage(inst, stored));
  return {
    id: stored.raw.key.id,
    remoteJid: stored.raw.key.remoteJid,
    webhook: emitted?.envelope ?? null,
    delivered: emitted?.record.status ?? null,
    message: stored.raw,
  };
}

/** A history sync: one messages.set with every message. */
export async function sendHistory(state: FakeEvolutionState, inst: Instance, inputs: CustomerMessageInput[]) {
  const stored = inputs.map((input) => buildCustomerMessage(state, inst, input));
  const emitted = await emit(state, inst, 'messages.set', stored.map((s) => webhookMessage(inst, s)));
  return { ids: stored.map((s) => s.raw.key.id), webhook: emitted?.envelope ?? null, delivered: emitted?.record.status ?? null };
}
