import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FakeEvolution } from './index';
import { samplePdf, SAMPLE_PNG, sampleOggOpus } from './samples';
import { api, control, createInstance, startReceiver, startTestFake, type Receiver } from './test-support';

let fake: FakeEvolution;
let receiver: Receiver;
let files: Server;
let filesUrl: string;
const CUSTOMER = '5511987654321';
const JID = `${CUSTOMER}@s.whatsapp.net`;

beforeAll(async () => {
  receiver = await startReceiver();
  fake = await startTestFake();
  // A media host for sendMedia by URL.
  files = createServer((req, res) => {
    if (req.url === '/doc.pdf') res.writeHead(200, { 'Content-Type': 'application/pdf' }).end(samplePdf('URL'));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await fake.close();
  await receiver.close();
  await new Promise((r) => files.close(r));
});
afterEach(async () => {
  await fake.settled();
  fake.reset();
  receiver.clear();
});

async function openInstance(name = 'loja') {
  const created = await createInstance(fake, receiver, name);
  await fake.settled();
  receiver.clear();
  return created;
}

const updatesOf = (id: string) => receiver.events('messages.update').filter((e) => (e.data as any).keyId === id).map((e) => (e.data as any).status);

describe('sendText', () => {
  it('answers 201 with the messageRaw, then posts send.message and SERVER_ACK → DELIVERY_ACK → READ in order', async () => {
    const created = await openInstance();
    const res = await api(fake, 'POST', '/message/sendText/loja', { number: CUSTOMER, text: 'Olá! Seu pedido saiu para entrega.' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      key: { remoteJid: JID, fromMe: true, id: expect.stringMatching(/^3EB0[0-9A-F]{18}$/) },
      pushName: 'Você',
      status: 'PENDING',
      message: { conversation: 'Olá! Seu pedido saiu para entrega.' },
      contextInfo: null,
      messageType: 'conversation',
      messageTimestamp: expect.any(Number),
      instanceId: created.body.instance.instanceId,
      source: 'web',
    });
    expect(Math.abs(res.body.messageTimestamp - Date.now() / 1000)).toBeLessThan(5);
    const id = res.body.key.id as string;
    await receiver.waitFor(() => updatesOf(id).length === 3);
    expect(receiver.received.map((r) => r.json.event)).toEqual(['send.message', 'messages.update', 'messages.update', 'messages.update']);
    expect(receiver.events('send.message')[0]).toMatchObject({ data: { ...res.body }, sender: '5511955500001@s.whatsapp.net', apikey: created.body.hash });
    expect(updatesOf(id)).toEqual(['SERVER_ACK', 'DELIVERY_ACK', 'READ']);
    expect(receiver.events('messages.update')[0]!.data).toEqual({
      keyId: id, remoteJid: JID, fromMe: true, status: 'SERVER_ACK', instanceId: created.body.instance.instanceId, messageId: expect.stringMatching(/^c[a-z0-9]{24}$/),
    });

    const sent = await control(fake, 'GET', `/sent?instance=loja&number=${CUSTOMER}`);
    expect(sent.body.data).toEqual([{
      instance: 'loja', path: '/message/sendText', body: { number: CUSTOMER, text: 'Olá! Seu pedido saiu para entrega.' }, at: expect.any(String), id, number: CUSTOMER, remoteJid: JID,
    }]);
  });

  it('quotes a known message as extendedTextMessage with contextInfo', async () => {
    await openInstance();
    const inbound = await fake.customerMessage('loja', { from: CUSTOMER, text: 'Qual o prazo?' });
    const res = await api(fake, 'POST', '/message/sendText/loja', { number: `${CUSTOMER}@s.whatsapp.net`, text: 'Dois dias úteis.', quoted: { key: { id: inbound.id } } });
    const ctx = { stanzaId: inbound.id, participant: JID, quotedMessage: { conversation: 'Qual o prazo?' } };
    expect(res.body).toMatchObject({
      messageType: 'extendedTextMessage', message: { extendedTextMessage: { text: 'Dois dias úteis.', contextInfo: ctx } }, contextInfo: ctx,
    });
    // A quote given with its message is used as is.
    const given = await api(fake, 'POST', '/message/sendText/loja', {
      number: CUSTOMER, text: 'ok', quoted: { key: { id: 'ABCDEF', remoteJid: JID, fromMe: false }, message: { conversation: 'antiga' } },
    });
    expect(given.body.contextInfo).toEqual({ stanzaId: 'ABCDEF', participant: JID, quotedMessage: { conversation: 'antiga' } });
  });

  it('answers 400 exists:false for a number not on WhatsApp, and for one added by /_fake', async () => {
    await openInstance();
    const res = await api(fake, 'POST', '/message/sendText/loja', { number: '5511999990000', text: 'oi' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      status: 400, error: 'Bad Request', response: { message: [{ jid: '5511999990000@s.whatsapp.net', exists: false, number: '5511999990000' }] },
    });
    await control(fake, 'POST', '/config', { addNotOnWhatsApp: ['5521988887777'] });
    expect((await api(fake, 'POST', '/message/sendText/loja', { number: '5521988887777', text: 'oi' })).status).toBe(400);
    expect(fake.sent()).toEqual([]);
  });

  it('answers 400 Connection Closed when the instance is not open', async () => {
    await createInstance(fake, receiver, 'fechada', { open: false });
    const res = await api(fake, 'POST', '/message/sendText/fechada', { number: CUSTOMER, text: 'oi' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ status: 400, error: 'Bad Request', response: { message: ['Connection Closed'] } });
  });

  it('validates the body like Evolution', async () => {
    await openInstance();
    const res = await api(fake, 'POST', '/message/sendText/loja', { number: CUSTOMER });
    expect(res.status).toBe(400);
    expect(res.body.response.message).toEqual(['instance requires property "text"']);
  });

  it('fails the next matching call as told by failNext, once', async () => {
    await openInstance();
    await control(fake, 'POST', '/config', { failNext: { path: '/message/sendText', status: 500 } });
    const failed = await api(fake, 'POST', '/message/sendText/loja', { number: CUSTOMER, text: 'oi' });
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ status: 500, error: 'Internal Server Error' });
    expect((await api(fake, 'POST', '/message/sendText/loja', { number: CUSTOMER, text: 'oi' })).status).toBe(201);
  });

  it('sends to groups and LIDs as given', async () => {
    await openInstance();
    const group = await api(fake, 'POST', '/message/sendText/loja', { number: '120363012345678901@g.us', text: 'Bom dia, grupo' });
    expect(group.body.key.remoteJid).toBe('120363012345678901@g.us');
    const lid = await api(fake, 'POST', '/message/sendText/loja', { number: '123456789012345@lid', text: 'oi' });
    expect(lid.body.key.remoteJid).toBe('123456789012345@lid');
  });
});

describe('sendMedia, sendWhatsAppAudio, sendReaction', () => {
  it('sends base64 media as imageMessage and keeps the bytes for /_fake/sent', async () => {
    await openInstance();
    const png = SAMPLE_PNG();
    const res = await api(fake, 'POST', '/message/sendMedia/loja', { number: CUSTOMER, mediatype: 'image', mimetype: 'image/png', caption: 'Catálogo', media: png.toString('base64') });
    expect(res.status).toBe(201);
    expect(res.body.messageType).toBe('imageMessage');
    expect(res.body.message.imageMessage).toMatchObject({
      url: expect.stringMatching(/^https:\/\/mmg\.whatsapp\.net\//), mimetype: 'image/png', caption: 'Catálogo', fileLength: String(png.length), width: 4, height: 3,
      fileSha256: expect.any(String), mediaKey: expect.any(String), directPath: expect.stringMatching(/^\/v\//),
    });
    const [sent] = fake.sent();
    expect(Buffer.from(sent!.media!.base64, 'base64')).toEqual(png);
    const back = await api(fake, 'POST', '/chat/getBase64FromMediaMessage/loja', { message: { key: { id: res.body.key.id } } });
    expect(Buffer.from(back.body.base64, 'base64')).toEqual(png);
  });

  it('downloads media given by URL (document)', async () => {
    await openInstance();
    const res = await api(fake, 'POST', '/message/sendMedia/loja', { number: CUSTOMER, mediatype: 'document', fileName: 'boleto.pdf', media: `${filesUrl}/doc.pdf` });
    expect(res.status).toBe(201);
    expect(res.body.message.documentMessage).toMatchObject({ mimetype: 'application/pdf', fileName: 'boleto.pdf', title: 'boleto.pdf' });
    expect(Buffer.from(fake.sent()[0]!.media!.base64, 'base64').toString('latin1')).toContain('%PDF-1.4');
    const bad = await api(fake, 'POST', '/message/sendMedia/loja', { number: CUSTOMER, mediatype: 'document', media: `${filesUrl}/missing.pdf` });
    expect(bad.status).toBe(400);
  });

  it('sends a voice note as a ptt Ogg Opus audioMessage (and it is also PLAYED)', async () => {
    await openInstance();
    const res = await api(fake, 'POST', '/message/sendWhatsAppAudio/loja', { number: CUSTOMER, audio: sampleOggOpus(4).toString('base64') });
    expect(res.status).toBe(201);
    expect(res.body.message.audioMessage).toMatchObject({ ptt: true, mimetype: 'audio/ogg; codecs=opus', seconds: 4 });
    await receiver.waitFor(() => updatesOf(res.body.key.id).length === 4);
    expect(updatesOf(res.body.key.id)).toEqual(['SERVER_ACK', 'DELIVERY_ACK', 'READ', 'PLAYED']);
  });

  it('reacts, and removes a reaction with ""', async () => {
    await openInstance();
    const inbound = await fake.customerMessage('loja', { from: CUSTOMER, text: 'Obrigada!' });
    const key = { remoteJid: JID, fromMe: false, id: inbound.id };
    const res = await api(fake, 'POST', '/message/sendReaction/loja', { key, reaction: '👍' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      key: { remoteJid: JID, fromMe: true }, messageType: 'reactionMessage', status: 'PENDING',
      message: { reactionMessage: { key, text: '👍', senderTimestampMs: expect.stringMatching(/^\d{13}$/) } },
    });
    const removed = await api(fake, 'POST', '/message/sendReaction/loja', { key, reaction: '' });
    expect(removed.body.message.reactionMessage.text).toBe('');
  });
});

describe('chat', () => {
  it('records markMessageAsRead', async () => {
    await openInstance();
    const keys = [{ remoteJid: JID, fromMe: false, id: 'A5ABC' }];
    const res = await api(fake, 'POST', '/chat/markMessageAsRead/loja', { readMessages: keys });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ message: 'Read messages', read: 'success' });
    expect((await control(fake, 'GET', '/read')).body.data).toEqual([{ instance: 'loja', ...keys[0], at: expect.any(String) }]);
  });

  it('getBase64FromMediaMessage returns an inbound image’s bytes, 400 for anything else', async () => {
    await openInstance();
    const photo = await fake.customerMessage('loja', { from: CUSTOMER, kind: 'image', caption: 'Foto do produto' });
    const res = await api(fake, 'POST', '/chat/getBase64FromMediaMessage/loja', { message: { key: { id: photo.id } }, convertToMp4: false });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      mediaType: 'imageMessage', caption: 'Foto do produto', mimetype: 'image/jpeg', size: { fileLength: (photo.message.message.imageMessage as any).fileLength, width: 4, height: 3 },
    });
    expect(Buffer.from(res.body.base64, 'base64').subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const text = await fake.customerMessage('loja', { from: CUSTOMER, text: 'oi' });
    for (const id of [text.id, 'NOPE']) {
      const none = await api(fake, 'POST', '/chat/getBase64FromMediaMessage/loja', { message: { key: { id } } });
      expect(none.status).toBe(400);
      expect(none.body).toEqual({ status: 400, error: 'Bad Request', response: { message: ['Message not found'] } });
    }
  });
});

describe('webhook delivery', () => {
  it('retries a delivery the receiver refused (500) and logs the attempts', async () => {
    await openInstance();
    receiver.respondWith(500, 503);
    const res = await fake.customerMessage('loja', { from: CUSTOMER, text: 'Tem alguém aí?' });
    expect(res.delivered).toBe(200);
    expect(receiver.events('messages.upsert')).toHaveLength(1);
    const log = (await control(fake, 'GET', '/webhooks?event=messages.upsert')).body.data;
    expect(log).toEqual([{ seq: expect.any(Number), event: 'messages.upsert', instance: 'loja', url: receiver.url, status: 200, attempts: 3, at: expect.any(String) }]);
  });

  it('gives up after the retries and reports the last status', async () => {
    await openInstance();
    receiver.respondWith(500, 500, 500, 500);
    const res = await fake.customerMessage('loja', { from: CUSTOMER, text: 'oi' });
    expect(res.delivered).toBe(500);
    expect(fake.webhooks({ event: 'messages.upsert' })[0]).toMatchObject({ status: 500, attempts: 4 });
  });

  it('messages.update and messages.delete by hand', async () => {
    await openInstance();
    await control(fake, 'POST', '/config', { autoStatuses: false });
    const sent = await api(fake, 'POST', '/message/sendText/loja', { number: CUSTOMER, text: 'oi' });
    await fake.settled();
    expect(receiver.received.map((r) => r.json.event)).toEqual(['send.message']);
    const st = await control(fake, 'POST', '/instances/loja/statuses', { id: sent.body.key.id, status: 'ERROR' });
    expect(st.body.webhook.data).toMatchObject({ keyId: sent.body.key.id, status: 'ERROR', fromMe: true });
    const del = await control(fake, 'POST', '/instances/loja/deleted', { id: sent.body.key.id });
    expect(del.body.webhook).toMatchObject({ event: 'messages.delete', data: { remoteJid: JID, fromMe: true, id: sent.body.key.id } });
  });
});
