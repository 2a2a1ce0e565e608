import { describe, expect, it } from 'vitest';
import * as fx from './fixtures';
import { parseEvolutionWebhook, type EvolutionEvent } from './normalise';
import type { MessageEvent, StatusEvent } from '../meta/normalise';

const CHANNEL = '0b0f6a52-2f0c-4e58-9d6b-1c9f2a7e4d10';

function events(body: unknown): EvolutionEvent[] {
  const r = parseEvolutionWebhook(JSON.stringify(body), CHANNEL);
  if (!r.ok) throw new Error(`expected ok, got: ${r.error}`);
  return r.events;
}
function message(body: unknown): MessageEvent {
  const all = events(body);
  expect(all).toHaveLength(1);
  expect(all[0]!.kind).toBe('message');
  return all[0] as MessageEvent;
}

describe('Evolution messages.upsert', () => {
  it('text from `conversation`: routed by channel, the sender by phone with their name, WhatsApp’s time', () => {
    const body = fx.text('Oi, vocês abrem sábado?', { timestamp: 1764850000 });
    const e = message(body);
    expect(e).toMatchObject({ channelId: CHANNEL, contact: { waId: '5511987654321', profileName: 'Maria Souza' } });
    expect(e.fromMe).toBeUndefined();
    expect(e.message).toMatchObject({ providerMessageId: body.data.key.id, kind: 'text', body: 'Oi, vocês abrem sábado?', providerType: 'conversation' });
    expect(e.message.timestamp.toISOString()).toBe(new Date(1764850000 * 1000).toISOString());
  });

  it('text from `extendedTextMessage.text` (both occur in the wild)', () => {
    expect(message(fx.extendedText('Bom dia!')).message).toMatchObject({ kind: 'text', body: 'Bom dia!' });
  });

  it('media: image with caption, voice note, video, document (also wrapped with a caption), sticker — fetched later by message id', () => {
    const img = fx.image('Foto do produto');
    expect(message(img).message).toMatchObject({ kind: 'image', body: 'Foto do produto', media: { id: img.data.key.id, mimeType: 'image/jpeg', caption: 'Foto do produto' } });
    expect(message(fx.voiceNote()).message).toMatchObject({ kind: 'audio', body: null, media: { mimeType: 'audio/ogg; codecs=opus', voice: true } });
    expect(message(fx.video('Veja')).message).toMatchObject({ kind: 'video', body: 'Veja', media: { mimeType: 'video/mp4' } });
    expect(message(fx.documentMessage('boleto.pdf')).message).toMatchObject({ kind: 'document', body: 'boleto.pdf', media: { filename: 'boleto.pdf', mimeType: 'application/pdf' } });
    expect(message(fx.documentWithCaption('nota.pdf', 'Segue a nota')).message).toMatchObject({ kind: 'document', body: 'Segue a nota', media: { filename: 'nota.pdf' } });
    expect(message(fx.sticker()).message).toMatchObject({ kind: 'sticker', media: { mimeType: 'image/webp', animated: false } });
  });

  it('location and shared contact', () => {
    expect(message(fx.location()).message).toMatchObject({ kind: 'location', body: 'MASP — Av. Paulista, 1578 - Bela Vista, São Paulo', payload: { location: { latitude: -23.561684, longitude: -46.655981 } } });
    expect(message(fx.contact()).message).toMatchObject({ kind: 'contacts', body: 'Contato: João Pereira', payload: { contacts: [{ phones: [{ phone: '+55 21 98888-7777', wa_id: '5521988887777' }] }] } });
  });

  it('reaction (and its removal) targets the reacted message', () => {
    const target = { id: fx.messageId(), fromMe: true, remoteJid: '5511987654321@s.whatsapp.net' };
    expect(message(fx.reaction(target, '❤️')).message).toMatchObject({ kind: 'reaction', body: '❤️', reaction: { targetProviderId: target.id, emoji: '❤️' } });
    expect(message(fx.reaction(target, '')).message.reaction).toEqual({ targetProviderId: target.id, emoji: null });
  });

  it('a quoted reply names the quoted message (contextInfo.stanzaId)', () => {
    const quoted = fx.messageId();
    expect(message(fx.quotedReply('Esse mesmo', { id: quoted, text: 'Temos azul e verde' })).message.replyToProviderId).toBe(quoted);
  });

  it('fromMe (typed on the business phone): an outbound message of the customer’s conversation, not a customer message', () => {
    const e = message(fx.text('Já enviamos!', { fromMe: true }));
    expect(e).toMatchObject({ fromMe: true, contact: { waId: '5511987654321' } });
    expect(e.contact.profileName).toBeUndefined(); // "Você" is not the customer's name
  });

  it('group: one conversation for the group, each participant’s name and number on their messages', () => {
    const e = message(fx.text('Alguém sabe o horário?', { group: '120363025246125486@g.us', from: '5521977776666', pushName: 'Carlos' }));
    expect(e.contact).toEqual({ waId: '120363025246125486@g.us' });
    expect(e.message.payload.sender).toEqual({ id: '5521977776666', name: 'Carlos' });
    const viaLid = message(fx.text('Eu também', { group: '120363025246125486@g.us', participant: '201234567890123@lid', participantAlt: '5531966665555@s.whatsapp.net', pushName: 'Ana' }));
    expect(viaLid.message.payload.sender).toEqual({ id: '5531966665555', lid: '201234567890123@lid', name: 'Ana' });
  });

  it('@lid sender: resolved to the phone through remoteJidAlt, kept as the LID otherwise', () => {
    const withAlt = message(fx.text('Oi', { lid: '123456789012345@lid', alt: '5511912345678@s.whatsapp.net' }));
    expect(withAlt.contact).toMatchObject({ waId: '5511912345678', lid: '123456789012345@lid' });
    const without = message(fx.text('Oi de novo', { lid: '123456789012345@lid' }));
    expect(without.contact).toMatchObject({ waId: '123456789012345@lid' });
    expect(without.contact.lid).toBeUndefined();
  });

  it('status broadcasts and protocol messages (edits) are not chat messages', () => {
    const story = fx.text('story', {});
    story.data.key.remoteJid = 'status@broadcast';
    expect(events(story)).toEqual([]);
    expect(events(fx.envelope('messages.upsert', fx.upsert({ protocolMessage: { type: 'REVOKE', key: { id: 'X' } } }, 'protocolMessage')))).toEqual([]);
  });

  it('an unknown message type is kept as unsupported, not lost', () => {
    const e = message(fx.envelope('messages.upsert', fx.upsert({ pollCreationMessageV3: { name: 'Qual cor?', options: [{ optionName: 'Azul' }] } }, 'pollCreationMessageV3')));
    expect(e.message).toMatchObject({ kind: 'unsupported', body: null, payload: { raw: { pollCreationMessageV3: { name: 'Qual cor?' } } } });
  });

  it('messages.set (history sync): every message, marked as history', () => {
    const all = events(fx.history([fx.upsert({ conversation: 'antiga 1' }, 'conversation'), fx.upsert({ conversation: 'antiga 2' }, 'conversation', { fromMe: true })]));
    expect(all).toHaveLength(2);
    expect(all.map((e) => (e as MessageEvent).message.payload.history)).toEqual([true, true]);
  });
});

describe('Evolution statuses, deletions, connection, QR', () => {
  it('messages.update maps SERVER_ACK/DELIVERY_ACK/READ/PLAYED/ERROR to ours; the customer’s own messages’ statuses are ignored', () => {
    const id = fx.messageId();
    const map = (s: string) => (events(fx.statusUpdate(id, s))[0] as StatusEvent | undefined)?.status;
    expect([map('SERVER_ACK'), map('DELIVERY_ACK'), map('READ'), map('PLAYED'), map('ERROR'), map('PENDING')]).toEqual(['sent', 'delivered', 'read', 'read', 'failed', undefined]);
    expect(events(fx.statusUpdate(id, 'READ', { fromMe: false }))).toEqual([]);
    expect(events(fx.statusUpdate(id, 'DELIVERY_ACK'))[0]).toMatchObject({ kind: 'status', channelId: CHANNEL, providerMessageId: id });
  });

  it('messages.update in Baileys’ own shape (older releases): numeric status under update, key object', () => {
    const id = fx.messageId();
    const raw = fx.envelope('messages.update', [{ key: { remoteJid: '5511987654321@s.whatsapp.net', fromMe: true, id }, update: { status: 3 } }]);
    expect(events(raw)).toMatchObject([{ kind: 'status', providerMessageId: id, status: 'delivered', providerStatus: 'DELIVERY_ACK' }]);
    // An edit (no status) or an unknown status is not an error: nothing to apply.
    expect(events(fx.envelope('messages.update', { keyId: id, fromMe: true, remoteJid: 'x@s.whatsapp.net' }))).toEqual([]);
    expect(events(fx.statusUpdate(id, 'DELETED'))).toEqual([]);
  });

  it('messages.delete revokes the message', () => {
    const id = fx.messageId();
    expect(events(fx.deleted(id))).toMatchObject([{ kind: 'revoked', channelId: CHANNEL, providerMessageId: id }]);
  });

  it('connection.update and qrcode.updated become the channel’s state', () => {
    expect(events(fx.connection('open'))).toMatchObject([{ kind: 'channel_state', state: 'open', ownerPhone: '5511955500001', qrCode: null }]);
    expect(events(fx.connection('close', { statusReason: 428 }))).toMatchObject([{ kind: 'channel_state', state: 'close' }]);
    expect(events(fx.qrcode())).toMatchObject([{ kind: 'channel_state', state: 'connecting', qrCode: fx.QR_PNG }]);
  });

  it('unknown events are ignored; malformed bodies are refused', () => {
    expect(events(fx.envelope('presence.update', { id: 'x', presences: {} }))).toMatchObject([{ kind: 'ignored' }]);
    for (const bad of ['not json', JSON.stringify({ instance: 'x' }), JSON.stringify(fx.envelope('messages.upsert', { key: { remoteJid: '551199@s.whatsapp.net' } })), JSON.stringify(fx.envelope('connection.update', { state: 'exploded' }))]) {
      const r = parseEvolutionWebhook(bad, CHANNEL);
      expect(r.ok).toBe(false);
    }
  });
});
