// /message/* and /chat/*: what Conversa sends through an instance (text, media, voice notes, reactions), marking
// messages read, and downloading media. Each send answers 201 with the message as Evolution stores it (status
// PENDING), is recorded for /_fake/sent, and is followed by send.message and — with autoStatuses — the phone's
// SERVER_ACK → DELIVERY_ACK → READ as messages.update webhooks.
import type { Hono } from 'hono';
import { badRequest, connectionClosed, requiresProperty } from './errors';
import { deviceOf, newMessageId, unixSeconds } from './ids';
import { describeMedia, loadMedia, MESSAGE_TYPE, mediaContent, type MediaKind } from './media';
import { autoStatuses, quoteContext, resolveNumber, storeMessage, type QuoteInput, type Target } from './messages';
import { readJson, requireInstance } from './request';
import { extensionOf, oggSeconds } from './samples';
import {
  findMessage, sleep, track, type FakeEvolutionState, type Instance, type MessageRaw, type StoredMedia,
} from './state';
import { emit, webhookMessage } from './webhook';

function requireOpen(inst: Instance): void {
  if (inst.state !== 'open') throw connectionClosed();
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function quoteOf(v: unknown): QuoteInput | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const q = v as { key?: Record<string, unknown>; message?: unknown };
  const id = str(q.key?.id);
  if (!id) return undefined;
  return {
    key: {
      id,
      ...(str(q.key?.remoteJid) ? { remoteJid: str(q.key?.remoteJid)! } : {}),
      ...(typeof q.key?.fromMe === 'boolean' ? { fromMe: q.key.fromMe } : {}),
      ...(str(q.key?.participant) ? { participant: str(q.key?.participant)! } : {}),
    },
    ...(q.message && typeof q.message === 'object' ? { message: q.message as Record<string, unknown> } : {}),
  };
}

/** Evolution waits `delay` ms ("composing…") before sending; capped so a test cannot hang the fake. */
async function typingDelay(state: FakeEvolutionState, delay: unknown): Promise<void> {
  if (typeof delay === 'number' && delay > 0) await sleep(state, Math.min(delay, 20_000));
}

/** /message/sendText/x → /message/sendText */
const endpointOf = (path: string) => `/${path.split('/').filter(Boolean).slice(0, 2).join('/')}`;

function send(
  state: FakeEvolutionState, inst: Instance, path: string, body: unknown, target: Target,
  message: Record<string, unknown>, contextInfo: Record<string, unknown> | null, media?: StoredMedia,
): MessageRaw {
  const id = newMessageId('web');
  const raw: MessageRaw = {
    key: { remoteJid: target.jid, fromMe: true, id },
    pushName: 'Você',
    status: 'PENDING',
    message,
    contextInfo,
    messageType: Object.keys(message)[0]!,
    messageTimestamp: unixSeconds(),
    instanceId: inst.id,
    source: deviceOf(id),
  };
  const stored = storeMessage(state, inst, 'outbound', raw, media);
  state.sent.push({
    instance: inst.name, path: endpointOf(path), body, at: stored.at, id, number: target.number, remoteJid: target.jid,
    ...(media ? { media: { mimetype: media.mimetype, ...(media.fileName ? { fileName: media.fileName } : {}), size: media.bytes.length, base64: media.bytes.toString('base64') } } : {}),
  });
  void track(state, async () => {
    await emit(state, inst, 'send.message', webhookMessage(inst, stored));
    if (state.config.autoStatuses) await autoStatuses(state, inst, stored);
  });
  return raw;
}

export function registerMessageRoutes(app: Hono, state: FakeEvolutionState): void {
  app.post('/message/sendText/:instanceName', async (c) => {
    const inst = requireInstance(state, c);
    const body = await readJson(c);
    if (typeof body.number !== 'string') throw requiresProperty('number');
    if (typeof body.text !== 'string' || body.text === '') throw requiresProperty('text');
    requireOpen(inst);
    const target = resolveNumber(state, body.number);
    await typingDelay(state, body.delay);
    const ctx = quoteContext(state, inst, quoteOf(body.quoted));
    const message = ctx ? { extendedTextMessage: { text: body.text, contextInfo: ctx } } : { conversation: body.text };
    return c.json(send(state, inst, c.req.path, body, target, message, ctx), 201);
  });

  app.post('/message/sendMedia/:instanceName', async (c) => {
    const inst = requireInstance(state, c);
    const body = await readJson(c);
    if (typeof body.number !== 'string') throw requiresProperty('number');
    if (body.mediatype === undefined) throw requiresProperty('mediatype');
    if (!['image', 'video', 'document', 'audio'].includes(String(body.mediatype))) {
      throw badRequest('instance.mediatype is not one of enum values: image,document,video,audio');
    }
    if (body.media === undefined) throw requiresProperty('media');
    requireOpen(inst);
    const target = resolveNumber(state, body.number);
    const loaded = await loadMedia(body.media, state.runtime.abort.signal);
    await typingDelay(state, body.delay);
    const kind = body.mediatype as MediaKind;
    const mimetype = str(body.mimetype) ?? loaded.mimetype;
    const described = describeMedia(kind, loaded.bytes, {
      ...(mimetype ? { mimetype } : {}), ...(str(body.fileName) ? { fileName: str(body.fileName)! } : {}),
      ...(str(body.caption) && kind !== 'audio' ? { caption: str(body.caption)! } : {}),
    });
    const media = kind === 'document' && !described.fileName ? { ...described, fileName: `documento.${extensionOf(described.mimetype)}` } : described;
    const ctx = quoteContext(state, inst, quoteOf(body.quoted));
    const message = { [MESSAGE_TYPE[kind]]: mediaContent(kind, media, ctx ? { contextInfo: ctx } : {}) };
    return c.json(send(state, inst, c.req.path, body, target, message, ctx, media), 201);
  });

  app.post('/message/sendWhatsAppAudio/:instanceName', async (c) => {
    const inst = requireInstance(state, c);
    const body = await readJson(c);
    if (typeof body.number !== 'string') throw requiresProperty('number');
    if (body.audio === undefined) throw requiresProperty('audio');
    requireOpen(inst);
    const target = resolveNumber(state, body.number);
    const loaded = await loadMedia(body.audio, state.runtime.abort.signal);
    await typingDelay(state, body.delay);
    // Evolution converts any audio to Ogg Opus (ffmpeg) so WhatsApp shows a voice note.
    const media = describeMedia('ptt', loaded.bytes, { mimetype: 'audio/ogg; codecs=opus' });
    const seconds = oggSeconds(loaded.bytes) || Math.max(1, Math.round(loaded.bytes.length / 4000));
    const ctx = quoteContext(state, inst, quoteOf(body.quoted));
    const message = { audioMessage: mediaContent('ptt', media, { seconds, ...(ctx ? { contextInfo: ctx } : {}) }) };
    return c.json(send(state, inst, c.req.path, body, target, message, ctx, media), 201);
  });

  app.post('/message/sendReaction/:instanceName', async (c) => {
    const inst = requireInstance(state, c);
    const body = await readJson(c);
    const key = body.key as Record<string, unknown> | undefined;
    if (!key || typeof key !== 'object') throw requiresProperty('key');
    if (typeof key.id !== 'string' || !key.id) throw badRequest('instance.key requires property "id"');
    if (typeof key.remoteJid !== 'string' || !key.remoteJid) throw badRequest('instance.key requires property "remoteJid"');
    if (typeof body.reaction !== 'string') throw requiresProperty('reaction');
    requireOpen(inst);
    const reacted = {
      remoteJid: key.remoteJid, fromMe: key.fromMe === true, id: key.id, ...(str(key.participant) ? { participant: str(key.participant)! } : {}),
    };
    const message = { reactionMessage: { key: reacted, text: body.reaction, senderTimestampMs: String(Date.now()) } };
    const target = { jid: key.remoteJid, number: key.remoteJid.endsWith('@s.whatsapp.net') ? key.remoteJid.split('@')[0]! : key.remoteJid };
    return c.json(send(state, inst, c.req.path, body, target, message, null), 201);
  });

  app.post('/chat/markMessageAsRead/:instanceName', async (c) => {
    const inst = requireInstance(state, c);
    const body = await readJson(c);
    if (!Array.isArray(body.readMessages)) throw requiresProperty('readMessages');
    requireOpen(inst);
    const at = new Date().toISOString();
    for (const k of body.readMessages as Record<string, unknown>[]) {
      if (!k || typeof k.id !== 'string') throw badRequest('instance.readMessages[0] requires property "id"');
      state.read.push({ instance: inst.name, remoteJid: String(k.remoteJid ?? ''), fromMe: k.fromMe === true, id: k.id, at });
    }
    return c.json({ message: 'Read messages', read: 'success' }, 201);
  });

  app.post('/chat/getBase64FromMediaMessage/:instanceName', async (c) => {
    const inst = requireInstance(state, c);
    const body = await readJson(c);
    const msg = body.message as { key?: { id?: unknown } } | undefined;
    if (!msg || typeof msg !== 'object') throw requiresProperty('message');
    const id = msg.key?.id;
    const stored = typeof id === 'string' ? findMessage(state, inst.name, id) : undefined;
    if (!stored?.media) throw badRequest('Message not found');
    const content = (stored.raw.message[stored.raw.messageType] ?? {}) as Record<string, unknown>;
    return c.json({
      mediaType: stored.raw.messageType,
      ...(content.fileName !== undefined ? { fileName: content.fileName } : {}),
      ...(content.caption !== undefined ? { caption: content.caption } : {}),
      size: {
        fileLength: content.fileLength,
        ...(content.height !== undefined ? { height: content.height } : {}),
        ...(content.width !== undefined ? { width: content.width } : {}),
      },
      mimetype: stored.media.mimetype,
      base64: stored.media.bytes.toString('base64'),
      buffer: null,
    }, 201);
  });
}
