import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FakeEvolution } from './index';
import { lidOf } from './inbound';
import { control, createInstance, startReceiver, startTestFake, type Receiver } from './test-support';

let fake: FakeEvolution;
let receiver: Receiver;
let instanceId: string;
let token: string;
const FROM = '5511987654321';
const JID = `${FROM}@s.whatsapp.net`;

beforeAll(async () => {
  receiver = await startReceiver();
  fake = await startTestFake();
});
afterAll(async () => {
  await fake.close();
  await receiver.close();
});
afterEach(async () => {
  await fake.settled();
  fake.reset();
  receiver.clear();
});

async function open(opts: { base64?: boolean; events?: string[] } = {}) {
  const created = await createInstance(fake, receiver, 'loja', opts);
  instanceId = created.body.instance.instanceId;
  token = created.body.hash;
  await fake.settled();
  receiver.clear();
}

/** A customer writes through the control API (as other processes do); returns the answer and the posted data. */
async function write(input: Record<string, unknown>) {
  const res = await control(fake, 'POST', '/instances/loja/messages', input);
  expect(res.status).toBe(201);
  return { ...res.body, data: res.body.webhook?.data } as { id: string; remoteJid: string; delivered: number; webhook: any; data: any };
}

const deviceInfo = { deviceListMetadata: expect.any(Object), deviceListMetadataVersion: 2 };

describe('customer messages → messages.upsert', () => {
  it('posts a conversation text in Evolution’s envelope, and answers after delivery', async () => {
    await open();
    const res = await write({ from: FROM, name: 'Maria', text: 'Olá, quero saber do meu pedido' });
    expect(res.delivered).toBe(200);
    expect(receiver.events('messages.upsert')).toHaveLength(1);
    expect(res.webhook).toEqual({
      event: 'messages.upsert', instance: 'loja', data: res.data, destination: receiver.url, date_time: expect.stringMatching(/-03:00$/),
      sender: '5511955500001@s.whatsapp.net', server_url: fake.url, apikey: token,
    });
    expect(res.data).toEqual({
      key: { remoteJid: JID, fromMe: false, id: expect.stringMatching(/^A5[0-9A-F]{30}$/) },
      pushName: 'Maria',
      status: 'DELIVERY_ACK',
      message: { conversation: 'Olá, quero saber do meu pedido', messageContextInfo: deviceInfo },
      contextInfo: null,
      messageType: 'conversation',
      messageTimestamp: expect.any(Number),
      instanceId,
      source: 'android',
    });
    expect(receiver.received[0]!.json).toEqual(res.webhook);
  });

  it('posts extendedTextMessage texts when asked', async () => {
    await open();
    const res = await write({ from: FROM, text: 'Oi', textAs: 'extendedTextMessage', timestamp: 1764850000, id: 'A5CUSTOM', source: 'ios' });
    expect(res.data).toMatchObject({ key: { id: 'A5CUSTOM' }, message: { extendedTextMessage: { text: 'Oi' } }, messageType: 'extendedTextMessage', messageTimestamp: 1764850000, source: 'ios' });
  });

  it('quotes: contextInfo at the top and inside extendedTextMessage', async () => {
    await open();
    const sent = await fetch(`${fake.url}/message/sendText/loja`, {
      method: 'POST', headers: { apikey: fake.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ number: FROM, text: 'Seu pedido é o 1234' }),
    }).then((r) => r.json() as Promise<any>);
    const res = await write({ from: FROM, text: 'Obrigado!', quotedId: sent.key.id });
    const ctx = { stanzaId: sent.key.id, participant: '5511955500001@s.whatsapp.net', quotedMessage: { conversation: 'Seu pedido é o 1234' } };
    expect(res.data.contextInfo).toEqual(ctx);
    expect(res.data.message.extendedTextMessage).toEqual({ text: 'Obrigado!', contextInfo: ctx });
    expect(res.data.messageType).toBe('extendedTextMessage');
  });

  it('image: imageMessage with CDN fields, and message.base64 when the webhook asks for base64', async () => {
    await open({ base64: true });
    const res = await write({ from: FROM, kind: 'image', caption: 'Foto do defeito' });
    expect(res.data.messageType).toBe('imageMessage');
    expect(res.data.message.imageMessage).toMatchObject({
      url: expect.stringMatching(/^https:\/\/mmg\.whatsapp\.net\/v\/t62\.7118-24\//), mimetype: 'image/jpeg', caption: 'Foto do defeito',
      fileSha256: expect.any(String), fileLength: expect.stringMatching(/^\d+$/), height: 3, width: 4, mediaKey: expect.any(String),
      directPath: expect.stringMatching(/^\/v\//), jpegThumbnail: expect.any(String),
    });
    const bytes = Buffer.from(res.data.message.base64, 'base64');
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(String(bytes.length)).toBe(res.data.message.imageMessage.fileLength);
  });

  it('no base64 in the message when the webhook does not ask for it; given bytes are used', async () => {
    await open();
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const res = await write({ from: FROM, kind: 'image', bytesBase64: png.toString('base64') });
    expect(res.data.message).not.toHaveProperty('base64');
    expect(res.data.message.imageMessage).toMatchObject({ mimetype: 'image/png', width: 1, height: 1, fileLength: String(png.length) });
  });

  it('audio, voice note, video, document, sticker', async () => {
    await open();
    const audio = await write({ from: FROM, kind: 'audio' });
    expect(audio.data).toMatchObject({ messageType: 'audioMessage', message: { audioMessage: { mimetype: 'audio/ogg; codecs=opus', ptt: false, seconds: 2, fileLength: expect.any(String) } } });
    const ptt = await write({ from: FROM, kind: 'ptt' });
    expect(ptt.data.message.audioMessage).toMatchObject({ ptt: true, seconds: 3, mimetype: 'audio/ogg; codecs=opus' });
    const video = await write({ from: FROM, kind: 'video', caption: 'Vídeo' });
    expect(video.data).toMatchObject({ messageType: 'videoMessage', message: { videoMessage: { mimetype: 'video/mp4', caption: 'Vídeo', seconds: expect.any(Number), fileLength: expect.any(String) } } });
    const doc = await write({ from: FROM, kind: 'document', fileName: 'nota-fiscal.pdf' });
    expect(doc.data).toMatchObject({
      messageType: 'documentMessage', message: { documentMessage: { mimetype: 'application/pdf', title: 'nota-fiscal.pdf', fileName: 'nota-fiscal.pdf', fileLength: expect.any(String), pageCount: 1 } },
    });
    const sticker = await write({ from: FROM, kind: 'sticker' });
    expect(sticker.data).toMatchObject({ messageType: 'stickerMessage', message: { stickerMessage: { mimetype: 'image/webp', isAnimated: false, fileLength: expect.any(String) } } });
  });

  it('location and contact', async () => {
    await open();
    const loc = await write({ from: FROM, kind: 'location', latitude: -23.55, longitude: -46.63, locationName: 'Loja Centro', address: 'Rua Direita, 10' });
    expect(loc.data).toMatchObject({
      messageType: 'locationMessage', message: { locationMessage: { degreesLatitude: -23.55, degreesLongitude: -46.63, name: 'Loja Centro', address: 'Rua Direita, 10' } },
    });
    const contact = await write({ from: FROM, kind: 'contact', contactName: 'João Pedro', contactNumber: '5511912345678' });
    expect(contact.data).toMatchObject({ messageType: 'contactMessage', message: { contactMessage: { displayName: 'João Pedro' } } });
    expect(contact.data.message.contactMessage.vcard).toBe('BEGIN:VCARD\nVERSION:3.0\nN:;João Pedro;;;\nFN:João Pedro\nTEL;type=CELL;type=VOICE;waid=5511912345678:+55 11 91234-5678\nEND:VCARD');
  });

  it('reaction to the business’s message, and its removal', async () => {
    await open();
    const sent = await fetch(`${fake.url}/message/sendText/loja`, {
      method: 'POST', headers: { apikey: fake.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ number: FROM, text: 'Pronto!' }),
    }).then((r) => r.json() as Promise<any>);
    const react = await write({ from: FROM, kind: 'reaction', reactTo: { id: sent.key.id }, emoji: '❤️' });
    expect(react.data).toMatchObject({
      messageType: 'reactionMessage',
      message: { reactionMessage: { key: { remoteJid: JID, fromMe: true, id: sent.key.id }, text: '❤️', senderTimestampMs: expect.stringMatching(/^\d+$/) } },
    });
    const removed = await write({ from: FROM, kind: 'reaction', reactTo: { id: sent.key.id, fromMe: true }, emoji: '' });
    expect(removed.data.message.reactionMessage.text).toBe('');
  });

  it('groups: remoteJid @g.us, participant the sender, pushName theirs', async () => {
    await open();
    const res = await write({ from: FROM, name: 'Carla', text: 'Bom dia!', group: { id: '120363025555555555@g.us' } });
    expect(res.data).toMatchObject({ key: { remoteJid: '120363025555555555@g.us', fromMe: false, participant: JID }, pushName: 'Carla' });
    const bySubject = await write({ from: FROM, text: 'x', group: { subject: 'Clientes VIP' } });
    expect(bySubject.remoteJid).toMatch(/^120363\d{12}@g\.us$/);
    expect((await write({ from: '5511911112222', text: 'y', group: { subject: 'Clientes VIP' } })).remoteJid).toBe(bySubject.remoteJid);
    const lidInGroup = await write({ from: FROM, text: 'z', group: { id: '120363025555555555' }, lid: { withAlt: true } });
    expect(lidInGroup.data.key).toEqual({
      remoteJid: '120363025555555555@g.us', fromMe: false, id: lidInGroup.id, participant: lidOf(FROM), participantAlt: JID, addressingMode: 'lid',
    });
  });

  it('@lid senders with and without their phone as remoteJidAlt', async () => {
    await open();
    const withAlt = await write({ from: FROM, text: 'oi', lid: { withAlt: true } });
    expect(withAlt.data.key).toEqual({ remoteJid: lidOf(FROM), fromMe: false, id: withAlt.id, remoteJidAlt: JID, addressingMode: 'lid' });
    expect(lidOf(FROM)).toMatch(/^\d{15}@lid$/);
    const without = await write({ from: FROM, text: 'oi', lid: { lid: '987654321098765', withAlt: false } });
    expect(without.data.key).toEqual({ remoteJid: '987654321098765@lid', fromMe: false, id: without.id, addressingMode: 'lid' });
  });

  it('fromMe: typed on the business phone, key.fromMe true to the customer', async () => {
    await open();
    const res = await write({ from: FROM, text: 'Respondi pelo celular', fromMe: true });
    expect(res.data).toMatchObject({ key: { remoteJid: JID, fromMe: true }, pushName: 'loja', status: 'SERVER_ACK', message: { conversation: 'Respondi pelo celular' } });
  });

  it('history: one messages.set with the messageRaws', async () => {
    await open();
    const res = await control(fake, 'POST', '/instances/loja/history', {
      messages: [{ from: FROM, text: 'antiga 1', timestamp: 1764000000 }, { from: FROM, text: 'antiga 2', fromMe: true, timestamp: 1764000100 }],
    });
    expect(res.status).toBe(201);
    const [set] = receiver.events('messages.set');
    expect(set!.data).toHaveLength(2);
    expect(set!.data).toMatchObject([
      { key: { fromMe: false }, message: { conversation: 'antiga 1' }, messageTimestamp: 1764000000 },
      { key: { fromMe: true }, message: { conversation: 'antiga 2' }, messageTimestamp: 1764000100 },
    ]);
    expect(res.body.ids).toHaveLength(2);
  });

  it('respects the events filter: not subscribed to messages.upsert → nothing posted, delivered null', async () => {
    await open({ events: ['CONNECTION_UPDATE'] });
    const res = await write({ from: FROM, text: 'oi' });
    expect(res.delivered).toBeNull();
    expect(res.webhook).toBeNull();
    await fake.settled();
    expect(receiver.received).toHaveLength(0);
  });

  it('rejects bad input with Conversa’s error shape', async () => {
    await open();
    const res = await control(fake, 'POST', '/instances/loja/messages', { kind: 'text' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect((await control(fake, 'POST', '/instances/nada/messages', { from: FROM })).status).toBe(404);
    expect((await control(fake, 'POST', '/instances/loja/messages', { from: FROM, kind: 'reaction' })).status).toBe(400);
  });

  it('lists a chat both ways for the phone page, with media links', async () => {
    await open();
    await write({ from: FROM, kind: 'image' });
    const chat = await control(fake, 'GET', `/messages?instance=loja&number=${FROM}`);
    expect(chat.body.data).toHaveLength(1);
    const media = await fetch(`${fake.url}${chat.body.data[0].mediaUrl}`);
    expect(media.headers.get('content-type')).toBe('image/jpeg');
  });
});
