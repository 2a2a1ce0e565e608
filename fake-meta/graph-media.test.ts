import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMeta } from './index';
import { CUSTOMER, graph, NUMBER, startReceiver, startTestFake, type Receiver } from './test-support';

let receiver: Receiver;
let fake: FakeMeta;
let clock = Date.now();

beforeAll(async () => {
  receiver = await startReceiver();
  fake = await startTestFake(receiver.url, { now: () => clock, autoStatuses: false });
  // A second business, to check one token cannot reach another's media.
  fake.registerNumber({ phoneNumberId: '109000000000002', wabaId: '209000000000002', displayPhoneNumber: '+55 21 4000-0002', accessToken: 'other-token' });
});
afterAll(async () => {
  await fake.close();
  await receiver.close();
});

async function upload(bytes: Uint8Array, type: string, filename: string, token = NUMBER.accessToken) {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', type);
  form.set('file', new Blob([new Uint8Array(bytes)], { type }), filename);
  const res = await fetch(`${fake.graphBaseUrl}/${NUMBER.phoneNumberId}/media`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, body: (await res.json()) as { id?: string; error?: { code: number } } };
}

const download = (url: string, token?: string) => fetch(url, token ? { headers: { Authorization: `Bearer ${token}` } } : {});

describe('media', () => {
  const pdf = new TextEncoder().encode('%PDF-1.4\n% orçamento nº 42\n%%EOF\n');

  it('uploads, returns a URL on the fake, and serves the exact bytes with the token', async () => {
    const up = await upload(pdf, 'application/pdf', 'orçamento.pdf');
    expect(up.status).toBe(200);
    expect(up.body.id).toMatch(/^\d{16}$/);

    const info = await graph(fake, `/${up.body.id}`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({
      messaging_product: 'whatsapp',
      url: expect.stringMatching(new RegExp(`^${fake.url}/media-download/${up.body.id}\\?token=`)),
      mime_type: 'application/pdf',
      sha256: createHash('sha256').update(pdf).digest('hex'),
      file_size: pdf.length,
      id: up.body.id,
    });

    const ok = await download(info.body.url!, NUMBER.accessToken);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await ok.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
    expect(ok.headers.get('content-disposition')).toContain(encodeURIComponent('orçamento.pdf'));
  });

  it('refuses the download without the Bearer token (401) or with another business’s (401/404)', async () => {
    const up = await upload(pdf, 'application/pdf', 'a.pdf');
    const { body } = await graph(fake, `/${up.body.id}`);
    const none = await download(body.url!);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: number } }).error.code).toBe(190);
    expect((await download(body.url!, 'nope')).status).toBe(401);
    expect((await download(body.url!, 'other-token')).status).toBe(404);
    expect((await download(body.url!.replace(/token=.*/, 'token=forged'), NUMBER.accessToken)).status).toBe(404);
  });

  it('expires download URLs after five minutes, as Meta’s do', async () => {
    const up = await upload(pdf, 'application/pdf', 'a.pdf');
    const { body } = await graph(fake, `/${up.body.id}`);
    clock += 5 * 60_000 + 1;
    expect((await download(body.url!, NUMBER.accessToken)).status).toBe(404);
    const fresh = await graph(fake, `/${up.body.id}`);
    expect((await download(fresh.body.url!, NUMBER.accessToken)).status).toBe(200);
  });

  it('answers Meta’s 100/33 for unknown media, another business’s media, or a phone_number_id mismatch', async () => {
    const unknown = await graph(fake, '/1234567890123456');
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 100, error_subcode: 33 } } });
    const up = await upload(pdf, 'application/pdf', 'a.pdf');
    expect((await graph(fake, `/${up.body.id}`, { token: 'other-token' })).body.error!.code).toBe(100);
    expect((await graph(fake, `/${up.body.id}?phone_number_id=109000000000002`)).body.error!.error_subcode).toBe(33);
  });

  it('rejects uploads without messaging_product (100) or of an unsupported type (131053), and needs a token', async () => {
    const form = new FormData();
    form.set('type', 'image/png');
    form.set('file', new Blob([new Uint8Array([1])]), 'x.png');
    const res = await fetch(`${fake.graphBaseUrl}/${NUMBER.phoneNumberId}/media`, { method: 'POST', headers: { Authorization: `Bearer ${NUMBER.accessToken}` }, body: form });
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(100);
    expect((await upload(new Uint8Array([1]), 'application/x-msdownload', 'x.exe')).body.error!.code).toBe(131053);
    expect((await upload(new Uint8Array([1]), 'image/png', 'x.png', 'nope')).status).toBe(401);
  });

  it('deletes media', async () => {
    const up = await upload(pdf, 'application/pdf', 'a.pdf');
    expect((await graph(fake, `/${up.body.id}`, { method: 'DELETE' })).body).toEqual({ success: true });
    expect((await graph(fake, `/${up.body.id}`)).status).toBe(400);
  });

  it('sends uploaded media by id', async () => {
    fake.setWindow({ phoneNumberId: NUMBER.phoneNumberId, waId: CUSTOMER, open: true });
    const up = await upload(pdf, 'application/pdf', 'a.pdf');
    const res = await graph(fake, `/${NUMBER.phoneNumberId}/messages`, {
      body: { messaging_product: 'whatsapp', to: CUSTOMER, type: 'document', document: { id: up.body.id, filename: 'a.pdf' } },
    });
    expect(res.status).toBe(200);
  });

  it('serves the media of a customer’s image message byte for byte, its webhook sha256 in base64', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    const sent = await fake.sendCustomerMessage({
      phoneNumberId: NUMBER.phoneNumberId, from: CUSTOMER, type: 'image', caption: 'Segue a foto 📷', dataBase64: png.toString('base64'), mimeType: 'image/png',
    });
    const msg = sent.payload.entry[0]!.changes[0]!.value.messages![0]!;
    if (msg.type !== 'image') throw new Error('expected an image message');
    expect(msg.image).toMatchObject({ caption: 'Segue a foto 📷', mime_type: 'image/png', sha256: createHash('sha256').update(png).digest('base64') });

    const info = await graph(fake, `/${msg.image.id}`);
    const file = await download(info.body.url!, NUMBER.accessToken);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
  });
});
