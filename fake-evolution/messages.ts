// What every message shares, sent or received: storing it (with its media) so quotes, reactions, statuses and
// getBase64FromMediaMessage can find it; the quote's contextInfo; resolving a send's `number` to a JID; and the
// messages.update webhooks that follow a send.
import { badRequest } from './errors';
import { newDbId } from './ids';
import {
  findMessage, isNotOnWhatsApp, messageKey, ownerJid, sleep, type AckStatus, type FakeEvolutionState, type Instance, type MessageRaw,
  type StoredMedia, type StoredMessage,
} from './state';
import { emit } from './webhook';

export function storeMessage(
  state: FakeEvolutionState, inst: Instance, direction: StoredMessage['direction'], raw: MessageRaw, media?: StoredMedia,
): StoredMessage {
  const stored: StoredMessage = { instance: inst.name, direction, dbId: newDbId(), raw, ...(media ? { media } : {}), at: new Date().toISOString() };
  state.messages.set(messageKey(inst.name, raw.key.id), stored);
  return stored;
}

/** A message's content as it is quoted: without device metadata, its own quote or the webhook's base64. */
export function quotable(message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(message)) {
    if (k === 'messageContextInfo' || k === 'base64') continue;
    if (v && typeof v === 'object' && 'contextInfo' in v) {
      const { contextInfo: _ctx, ...rest } = v as Record<string, unknown>;
      out[k] = rest;
    } else out[k] = v;
  }
  return out;
}

/** Who wrote a stored message, as quotes name them. */
function authorOf(inst: Instance, raw: MessageRaw): string {
  if (raw.key.fromMe) return ownerJid(inst);
  return raw.key.participant ?? raw.key.remoteJid;
}

export interface QuoteInput {
  key: { id: string; remoteJid?: string; fromMe?: boolean; participant?: string };
  message?: Record<string, unknown>;
}

/**
 * The contextInfo of a reply: stanzaId, participant (the quoted message's author) and quotedMessage. Like Evolution,
 * a quote whose message is neither given nor known is dropped (the message goes out unquoted).
 */
export function quoteContext(state: FakeEvolutionState, inst: Instance, quote: QuoteInput | undefined): Record<string, unknown> | null {
  if (!quote?.key?.id) return null;
  const stored = findMessage(state, inst.name, quote.key.id);
  const message = quote.message ?? (stored ? quotable(stored.raw.message) : undefined);
  if (!message) return null;
  const participant = stored
    ? authorOf(inst, stored.raw)
    : quote.key.fromMe ? ownerJid(inst) : quote.key.participant ?? quote.key.remoteJid;
  return { stanzaId: quote.key.id, ...(participant ? { participant } : {}), quotedMessage: message };
}

export interface Target {
  jid: string;
  /** What /_fake/sent records as the recipient: digits for phones, the JID otherwise. */
  number: string;
}

/** A send's `number`: digits (any formatting) or a JID. Numbers not on WhatsApp get Evolution's exists:false 400. */
export function resolveNumber(state: FakeEvolutionState, number: unknown): Target {
  if (typeof number !== 'string' || number.trim() === '') throw badRequest('instance requires property "number"');
  const given = number.trim();
  if (given.includes('@')) {
    const [user = '', server = ''] = given.split('@');
    if (server === 's.whatsapp.net') {
      const digits = user.split(':')[0]!.replace(/\D/g, '');
      if (isNotOnWhatsApp(state, digits)) throw badRequest({ jid: `${digits}@s.whatsapp.net`, exists: false, number: given });
      return { jid: `${digits}@s.whatsapp.net`, number: digits };
    }
    return { jid: given, number: given };
  }
  const digits = given.replace(/\D/g, '');
  if (!digits) throw badRequest({ jid: `${given}@s.whatsapp.net`, exists: false, number: given });
  if (isNotOnWhatsApp(state, digits)) throw badRequest({ jid: `${digits}@s.whatsapp.net`, exists: false, number: given });
  return { jid: `${digits}@s.whatsapp.net`, number: digits };
}

/** messages.update for one status of one message (Evolution posts one webhook per update). */
export function emitStatus(state: FakeEvolutionState, inst: Instance, stored: StoredMessage, status: AckStatus) {
  stored.raw = { ...stored.raw, status };
  const { key } = stored.raw;
  return emit(state, inst, 'messages.update', {
    keyId: key.id,
    remoteJid: key.remoteJid,
    fromMe: key.fromMe,
    ...(key.participant ? { participant: key.participant } : {}),
    status,
    instanceId: inst.id,
    messageId: stored.dbId,
  });
}

/** After a send: what the phone reports, statusDelayMs apart (a voice note is also PLAYED). */
export async function autoStatuses(state: FakeEvolutionState, inst: Instance, stored: StoredMessage): Promise<void> {
  const steps: AckStatus[] = ['SERVER_ACK', 'DELIVERY_ACK', 'READ'];
  const audio = stored.raw.message.audioMessage as { ptt?: boolean } | undefined;
  if (audio?.ptt) steps.push('PLAYED');
  for (const status of steps) {
    await sleep(state, state.config.statusDelayMs);
    if (state.runtime.closed || state.instances.get(inst.name) !== inst || inst.state !== 'open') return;
    await emitStatus(state, inst, stored, status);
  }
}
