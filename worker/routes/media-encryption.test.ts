// Media encrypted at rest per organisation (issue 21 §4): an inbound file fetched by the media consumer and an agent's
// upload are sealed in R2 with the organisation's data key (their raw bytes never hold the plaintext); the media
// route, the outbound upload to WhatsApp and the LGPD export get the exact plaintext back, ranges included; objects
// stored before encryption still serve; once the organisation's keys are destroyed the route answers 410.
import { env, SELF } from 'cloudflare:test';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { api, signupOrg, testDb, uniqueIp, type Session } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, eventually, fake, messagesOf, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';
import { putMediaObject, readMediaObject } from '../domain/media-objects';
import { destroyDataKeys } from '../domain/organization-keys';
import { sealedSize } from '../lib/sealed-stream';

const { db } = testDb();

/** A file whose every line says what it is: any stretch of it found in R2 would be plaintext. */
function payload(label: string, size: number): Uint8Array {
  const line = (i: number) => `${label}-PLAINTEXT-${String(i).padStart(8, '0')}\n`;
  const text = new TextEncoder().encode(Array.from({ length: Math.ceil(size / line(0).length) + 1 }, (_, i) => line(i)).join(''));
  expect(text.length).toBeGreaterThanOrEqual(size);
  return text.slice(0, size);
}
const latin1 = (b: Uint8Array) => {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return s;
};
const contains = (haystack: Uint8Array, needle: string) => latin1(haystack).includes(needle);

async function get(s: Session, path: string, headers: Record<string, string> = {}) {
  const res = await SELF.fetch(`http://conversa.test${path}`, { headers: { authorization: `Bearer ${s.accessToken}`, 'cf-connecting-ip': uniqueIp(), ...headers } });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** The stored object as R2 holds it. */
async function raw(key: string) {
  const object = (await env.MEDIA.get(key))!;
  return { meta: object.customMetadata ?? {}, bytes: new Uint8Array(await object.arrayBuffer()) };
}

async function inboundImage(admin: Session, ch: TestChannel, bytes: Uint8Array) {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', 'image/jpeg');
  form.set('file', new File([bytes], 'foto.jpg', { type: 'image/jpeg' }));
  const up = await fetch(`${env.META_GRAPH_BASE_URL}/${ch.phoneNumberId}/media`, { method: 'POST', headers: { authorization: `Bearer ${ch.accessToken}` }, body: form });
  expect(up.status).toBe(200);
  const mediaId = ((await up.json()) as { id: string }).id;
  const from = customerNumber();
  const o = { phoneNumberId: ch.phoneNumberId, from, timestamp: nowSeconds() };
  expect((await postWebhook(fx.inbound(fx.message('image', { image: { id: mediaId, mime_type: 'image/jpeg', sha256: 'x' } }, o), o))).status).toBe(200);
  const conv = await conversationOf(admin, from);
  const stored = await eventually(async () => (await messagesOf(admin, conv.id)).find((m) => m.media?.status === 'stored'));
  return { from, conv, message: stored };
}

describe('media encrypted at rest', () => {
  it('an inbound file is sealed in R2 and served whole and by range; the export holds the plaintext', async () => {
    const admin = await signupOrg('Mídia cifrada');
    const ch = await connectChannel(admin);
    const photo = payload('INBOUND', 300 * 1024 + 123); // five chunks, the last one short
    const { conv, message } = await inboundImage(admin, ch, photo);
    expect(message.media).toMatchObject({ size: photo.length, mimeType: 'image/jpeg' });

    const key = `media/${admin.orgId}/${message.id}`;
    const stored = await raw(key);
    expect(stored.meta).toMatchObject({ enc: 'v1', keyId: expect.any(String), plainSize: String(photo.length) });
    expect(stored.bytes.length).toBe(sealedSize(photo.length));
    expect(contains(stored.bytes, 'INBOUND-PLAINTEXT')).toBe(false);

    const whole = await get(admin, message.media.url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('image/jpeg');
    expect(whole.headers.get('content-length')).toBe(String(photo.length));
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.bytes).toEqual(photo);

    // Across chunk boundaries (64 KiB), inside one chunk, the tail, and an open-ended range.
    for (const [range, start, end] of [
      ['bytes=65000-140000', 65000, 140000],
      ['bytes=10-20', 10, 20],
      ['bytes=-1000', photo.length - 1000, photo.length - 1],
      [`bytes=${4 * 65536}-`, 4 * 65536, photo.length - 1],
    ] as const) {
      const part = await get(admin, message.media.url, { range });
      expect(part.status, range).toBe(206);
      expect(part.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${photo.length}`);
      expect(part.headers.get('content-length'), range).toBe(String(end - start + 1));
      expect(part.bytes, range).toEqual(photo.slice(start, end + 1));
    }
    // A range past the end is ignored: the whole file.
    const past = await get(admin, message.media.url, { range: `bytes=${photo.length}-` });
    expect(past.status).toBe(200);
    expect(past.bytes).toEqual(photo);

    // The LGPD export reads the media decrypted.
    const started = await api('POST', `/api/v1/contacts/${conv.contact.id}/exports`, { token: admin.accessToken });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const done = await eventually(async () => {
      const r = await api('GET', `/api/v1/exports/${started.body.export.id}`, { token: admin.accessToken });
      expect(r.body.export.status).not.toBe('failed');
      return r.body.export.status === 'done' && r.body.export;
    }, 60_000);
    const zip = unzipSync((await get(admin, done.downloadUrl)).bytes);
    const file = Object.keys(zip).find((n) => n.startsWith(`midia/${message.id}`))!;
    expect(file).toBeTruthy();
    expect(zip[file]).toEqual(photo);
  });

  it('an agent upload is sealed in R2, sent to WhatsApp as the plaintext, and served to the agent', async () => {
    const admin = await signupOrg('Upload cifrado');
    const ch = await connectChannel(admin);
    const { from, conv } = await inboundImage(admin, ch, payload('FIRST', 100));
    await fake('POST', '/window', { phoneNumberId: ch.phoneNumberId, waId: from, lastInboundAt: new Date().toISOString() });
    const pdf = payload('UPLOAD', 256 * 1024); // exactly four chunks
    const up = await api('POST', `/api/v1/conversations/${conv.id}/media?filename=contrato.pdf`, {
      token: admin.accessToken,
      rawBody: pdf as unknown as string,
      headers: { 'content-type': 'application/pdf' },
    });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({ key: expect.stringMatching(`^outbound/${admin.orgId}/${conv.id}/`), size: pdf.length });
    const stored = await raw(up.body.key);
    expect(stored.meta).toMatchObject({ enc: 'v1', plainSize: String(pdf.length), conversationId: conv.id });
    expect(contains(stored.bytes, 'UPLOAD-PLAINTEXT')).toBe(false);
    // Its name is sealed too, and opens for the readers.
    expect(stored.meta.filename).toMatch(/^enc:v1:/);
    expect((await readMediaObject(env, db, admin.orgId, up.body.key))!.metadata.filename).toBe('contrato.pdf');

    // No filename in the send: the outbound consumer takes the upload's (sealed) name.
    const res = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin.accessToken, body: { type: 'document', media: { key: up.body.key } } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const sent = await eventually(async () => (await messagesOf(admin, conv.id)).find((m) => m.id === res.body.message.id && m.providerMessageId));
    const [atMeta] = (await fake('GET', `/sent?to=${from}`)).body.data;
    // The file went up to Meta under its opened name, with the plaintext bytes.
    const uploads = (await fake('GET', `/requests?method=POST&path=/${ch.phoneNumberId}/media`)).body.data;
    expect(uploads.at(-1).body.file).toMatchObject({ name: 'contrato.pdf', size: pdf.length });
    const uploaded = await fetch(`${env.FAKE_META_URL}/_fake/media/${atMeta.request.document.id}`);
    expect(new Uint8Array(await uploaded.arrayBuffer())).toEqual(pdf);

    const served = await get(admin, sent.media.url);
    expect(served.status).toBe(200);
    expect(served.bytes).toEqual(pdf);
  });

  it('objects stored before encryption still serve, whole and by range', async () => {
    const admin = await signupOrg('Mídia antiga');
    const ch = await connectChannel(admin);
    const { message } = await inboundImage(admin, ch, payload('X', 10));
    const legacy = payload('LEGACY', 70_000);
    await env.MEDIA.put(`media/${admin.orgId}/${message.id}`, legacy, { httpMetadata: { contentType: 'image/jpeg' } });
    const whole = await get(admin, message.media.url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe(String(legacy.length));
    expect(whole.bytes).toEqual(legacy);
    const part = await get(admin, message.media.url, { range: 'bytes=65530-65545' });
    expect(part.status).toBe(206);
    expect(part.bytes).toEqual(legacy.slice(65530, 65546));
  });

  it('without a master key configured, media is stored as given', async () => {
    const admin = await signupOrg('Sem chave');
    const key = `media/${admin.orgId}/plain-${crypto.randomUUID()}`;
    const bytes = payload('PLAIN', 5000);
    await putMediaObject({ MEDIA: env.MEDIA, ENCRYPTION_MASTER_KEYS: undefined }, db, admin.orgId, key, bytes, { contentType: 'image/png' });
    const stored = await raw(key);
    expect(stored.meta.enc).toBeUndefined();
    expect(stored.bytes).toEqual(bytes);
    const read = await readMediaObject(env, db, admin.orgId, key);
    expect(new Uint8Array(await new Response(read!.body).arrayBuffer())).toEqual(bytes);
  });

  it('answers 410 once the organisation’s keys are destroyed', async () => {
    const admin = await signupOrg('Chaves destruídas');
    const ch = await connectChannel(admin);
    const { message } = await inboundImage(admin, ch, payload('SHRED', 1000));
    expect((await get(admin, message.media.url)).status).toBe(200);
    expect(await destroyDataKeys(db, admin.orgId)).toBeGreaterThan(0);
    const res = await api('GET', message.media.url, { token: admin.accessToken });
    expect(res.status).toBe(410);
    expect(res.body).toEqual({ error: { code: 'media_unavailable', message: expect.any(String) } });
    const ranged = await api('GET', message.media.url, { token: admin.accessToken, headers: { range: 'bytes=0-10' } });
    expect(ranged.status).toBe(410);
  });
});
