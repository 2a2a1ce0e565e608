import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FakeEvolution } from './index';
import { api, API_KEY, control, createInstance, startReceiver, startTestFake, WEBHOOK_HEADERS, type Receiver } from './test-support';

let fake: FakeEvolution;
let receiver: Receiver;

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

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('apikey', () => {
  it('answers 401 in Evolution’s shape without the key or with a wrong one', async () => {
    for (const key of [null, 'wrong']) {
      const res = await api(fake, 'GET', '/instance/fetchInstances', undefined, key);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } });
    }
  });

  it('accepts an instance’s own token on that instance’s routes only', async () => {
    const created = await createInstance(fake, receiver, 'loja-token', { open: false });
    const token = created.body.hash as string;
    expect((await api(fake, 'GET', '/instance/connectionState/loja-token', undefined, token)).status).toBe(200);
    await createInstance(fake, receiver, 'outra', { open: false });
    expect((await api(fake, 'GET', '/instance/connectionState/outra', undefined, token)).status).toBe(401);
  });
});

describe('POST /instance/create', () => {
  it('answers 201 with the instance, its token, webhook, settings and a real PNG QR code', async () => {
    const res = await createInstance(fake, receiver, 'loja-centro', { open: false });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      instance: {
        instanceName: 'loja-centro', integration: 'WHATSAPP-BAILEYS', webhookWaBusiness: null, accessTokenWaBusiness: '', status: 'connecting',
      },
      webhook: { webhookUrl: receiver.url, webhookHeaders: WEBHOOK_HEADERS, webhookByEvents: false, webhookBase64: false },
      settings: { rejectCall: false, msgCall: '', groupsIgnore: false, alwaysOnline: false, readMessages: false, readStatus: false, syncFullHistory: false },
      qrcode: { pairingCode: null, count: 1 },
    });
    expect(res.body.instance.instanceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(res.body.hash).toMatch(/^[0-9A-F-]{36}$/);
    expect(res.body.qrcode.code).toMatch(/^2@[A-Za-z0-9+/=]+,[A-Za-z0-9+/=]+,[A-Za-z0-9+/=]+,[A-Za-z0-9+/=]+$/);
    const [, b64] = /^data:image\/png;base64,(.+)$/.exec(res.body.qrcode.base64 as string) ?? [];
    const png = Buffer.from(b64!, 'base64');
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(png.readUInt32BE(16)).toBeGreaterThan(100); // width of a real QR image (scale 4)
  });

  it('posts qrcode.updated then connection.update "connecting" with the webhook’s headers', async () => {
    const created = await createInstance(fake, receiver, 'loja-qr', { open: false });
    const got = await receiver.waitFor((all) => all.length >= 2);
    expect(got.map((r) => r.json.event)).toEqual(['qrcode.updated', 'connection.update']);
    for (const r of got) {
      expect(r.headers['x-conversa-secret']).toBe('s3cr3t');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.path).toBe('/webhooks/evolution/ch1');
    }
    const [qr, conn] = got.map((r) => r.json);
    expect(qr).toMatchObject({
      event: 'qrcode.updated', instance: 'loja-qr', destination: receiver.url, server_url: fake.url, apikey: created.body.hash,
      data: { qrcode: { instance: 'loja-qr', pairingCode: null, code: created.body.qrcode.code, base64: created.body.qrcode.base64 } },
    });
    expect(qr!.date_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-03:00$/);
    expect(qr).not.toHaveProperty('sender'); // no wuid before the first scan
    expect(conn!.data).toEqual({ instance: 'loja-qr', state: 'connecting', statusReason: 200 });
  });

  it('refuses a name in use (403) and a missing name (400)', async () => {
    await createInstance(fake, receiver, 'dup', { open: false });
    const again = await api(fake, 'POST', '/instance/create', { instanceName: 'dup', qrcode: true });
    expect(again.status).toBe(403);
    expect(again.body).toEqual({ status: 403, error: 'Forbidden', response: { message: ['This name "dup" is already in use.'] } });
    const missing = await api(fake, 'POST', '/instance/create', { qrcode: true });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ status: 400, error: 'Bad Request', response: { message: ['"instanceName" is required'] } });
  });

  it('without qrcode: true the instance stays closed until connected', async () => {
    const res = await api(fake, 'POST', '/instance/create', { instanceName: 'sem-qr', integration: 'WHATSAPP-BAILEYS' });
    expect(res.status).toBe(201);
    expect(res.body.instance.status).toBe('close');
    expect(res.body).not.toHaveProperty('qrcode');
    const connect = await api(fake, 'GET', '/instance/connect/sem-qr');
    expect(connect.body).toMatchObject({ pairingCode: null, count: 1 });
    expect(connect.body.base64).toMatch(/^data:image\/png;base64,/);
  });
});

describe('connecting', () => {
  it('opens on scan: connection.update open with wuid and profile, then envelopes carry sender', async () => {
    await createInstance(fake, receiver, 'loja-scan', { open: false });
    await control(fake, 'POST', '/instances/loja-scan/scan', { owner: '5511955501234', profileName: 'Loja Scan' });
    const open = (await receiver.waitFor((all) => all.some((r) => r.json.data && (r.json.data as any).state === 'open')))
      .map((r) => r.json).find((e) => (e.data as any).state === 'open')!;
    expect(open.data).toEqual({
      instance: 'loja-scan', wuid: '5511955501234@s.whatsapp.net', profileName: 'Loja Scan', profilePictureUrl: null, state: 'open', statusReason: 200,
    });
    expect(open.sender).toBe('5511955501234@s.whatsapp.net');
    expect((await api(fake, 'GET', '/instance/connectionState/loja-scan')).body).toEqual({ instance: { instanceName: 'loja-scan', state: 'open' } });
    expect((await api(fake, 'GET', '/instance/connect/loja-scan')).body).toEqual({ instance: { instanceName: 'loja-scan', state: 'open' } });
  });

  it('shows a new QR code every qrRefreshMs and scans itself after autoScanMs', async () => {
    await control(fake, 'POST', '/config', { qrRefreshMs: 60, autoScanMs: 250 });
    await createInstance(fake, receiver, 'loja-auto', { open: false });
    await receiver.waitFor((all) => all.some((r) => (r.json.data as any)?.state === 'open'), 3000);
    const qrs = receiver.events('qrcode.updated').map((e) => (e.data as any).qrcode.code as string);
    expect(qrs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(qrs).size).toBe(qrs.length);
    // Open: no QR refresh or scan is scheduled any more.
    expect(fake.instance('loja-auto')!.timers).toEqual({});
    const listed = await control(fake, 'GET', '/instances');
    expect(listed.body.data[0]).toMatchObject({ name: 'loja-auto', state: 'open', owner: '5511955500001', qr: null });
  });

  it('fetchInstances lists rows with connectionStatus, ownerJid and token', async () => {
    const created = await createInstance(fake, receiver, 'loja-lista');
    const res = await api(fake, 'GET', '/instance/fetchInstances?instanceName=loja-lista');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({
      id: created.body.instance.instanceId, name: 'loja-lista', connectionStatus: 'open', ownerJid: '5511955500001@s.whatsapp.net',
      profileName: 'loja-lista', integration: 'WHATSAPP-BAILEYS', token: created.body.hash,
    });
    expect((await api(fake, 'GET', '/instance/fetchInstances?instanceName=nenhuma')).body).toEqual([]);
  });

  it('disconnect (from /_fake) closes with 428 and connect restarts the QR cycle', async () => {
    await createInstance(fake, receiver, 'loja-queda');
    receiver.clear();
    await control(fake, 'POST', '/instances/loja-queda/disconnect');
    expect(receiver.events('connection.update')[0]!.data).toEqual({ instance: 'loja-queda', state: 'close', statusReason: 428 });
    const again = await api(fake, 'GET', '/instance/connect/loja-queda');
    expect(again.body).toMatchObject({ pairingCode: null, count: 1 });
    await receiver.waitFor((all) => all.filter((r) => r.json.event !== 'connection.update' || (r.json.data as any).state === 'connecting').length >= 2);
    expect(receiver.events('qrcode.updated')).toHaveLength(1);
  });
});

describe('logout and delete', () => {
  it('logout answers SUCCESS, closes with 401; delete removes the instance', async () => {
    await createInstance(fake, receiver, 'loja-sai');
    receiver.clear();
    const out = await api(fake, 'DELETE', '/instance/logout/loja-sai');
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } });
    await receiver.waitFor((all) => all.length >= 1);
    expect(receiver.events('connection.update')[0]!.data).toEqual({ instance: 'loja-sai', state: 'close', statusReason: 401 });
    expect((await api(fake, 'GET', '/instance/connectionState/loja-sai')).body.instance.state).toBe('close');
    expect((await api(fake, 'DELETE', '/instance/logout/loja-sai')).status).toBe(400);

    const del = await api(fake, 'DELETE', '/instance/delete/loja-sai');
    expect(del.body).toEqual({ status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } });
    const gone = await api(fake, 'GET', '/instance/connectionState/loja-sai');
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ status: 404, error: 'Not Found', response: { message: ['The "loja-sai" instance does not exist'] } });
  });

  it('deleting a connecting instance stops its QR timers', async () => {
    await control(fake, 'POST', '/config', { qrRefreshMs: 30 });
    await createInstance(fake, receiver, 'loja-tmp', { open: false });
    const inst = fake.instance('loja-tmp')!;
    expect(inst.timers.qr).toBeDefined();
    await api(fake, 'DELETE', '/instance/delete/loja-tmp');
    // Nothing left scheduled for it: no QR refresh can fire after the delete.
    expect(inst.timers).toEqual({});
    expect(fake.instance('loja-tmp')).toBeUndefined();
  });

  it('every per-instance route answers the same 404 for an unknown instance', async () => {
    for (const [method, path] of [['GET', '/instance/connect/x'], ['POST', '/message/sendText/x'], ['POST', '/webhook/set/x'], ['DELETE', '/instance/delete/x']] as const) {
      const res = await api(fake, method, path, method === 'POST' ? {} : undefined);
      expect(res.status).toBe(404);
      expect(res.body.response.message).toEqual(['The "x" instance does not exist']);
    }
  });
});

describe('webhook settings', () => {
  it('set and find return the stored webhook; events filter what is posted', async () => {
    const created = await createInstance(fake, receiver, 'loja-wh', { open: false });
    const set = await api(fake, 'POST', '/webhook/set/loja-wh', {
      webhook: { enabled: true, url: receiver.url, headers: { 'x-a': '1' }, byEvents: false, base64: true, events: ['MESSAGES_UPSERT', 'connection.update'] },
    });
    expect(set.status).toBe(201);
    expect(set.body).toMatchObject({
      url: receiver.url, headers: { 'x-a': '1' }, enabled: true, events: ['MESSAGES_UPSERT', 'connection.update'], webhookByEvents: false,
      webhookBase64: true, instanceId: created.body.instance.instanceId,
    });
    expect(set.body.id).toEqual(expect.any(String));
    expect((await api(fake, 'GET', '/webhook/find/loja-wh')).body).toEqual(set.body);

    await fake.settled();
    receiver.clear();
    await api(fake, 'GET', '/instance/connect/loja-wh'); // still connecting: same QR, no events
    await fake.scan('loja-wh');
    const inbound = await fake.customerMessage('loja-wh', { from: '5511987654321', text: 'oi' });
    await fake.status('loja-wh', inbound.id, 'READ'); // messages.update: not subscribed
    await fake.settled();
    expect(new Set(receiver.received.map((r) => r.json.event))).toEqual(new Set(['connection.update', 'messages.upsert']));
    expect(receiver.received.every((r) => r.headers['x-a'] === '1')).toBe(true);
  });

  it('byEvents posts to url/<event-name>', async () => {
    await createInstance(fake, receiver, 'loja-by', { open: false });
    await api(fake, 'POST', '/webhook/set/loja-by', { webhook: { enabled: true, url: receiver.url, byEvents: true } });
    await fake.settled();
    receiver.clear();
    await fake.scan('loja-by');
    expect(receiver.received[0]!.path).toBe('/webhooks/evolution/ch1/connection-update');
  });
});

describe('control API', () => {
  it('reset forgets instances and restores the config', async () => {
    await control(fake, 'POST', '/config', { statusDelayMs: 999 });
    await createInstance(fake, receiver, 'loja-reset', { open: false });
    expect((await control(fake, 'POST', '/reset')).body).toEqual({ reset: true });
    expect((await control(fake, 'GET', '/instances')).body.data).toEqual([]);
    expect((await control(fake, 'GET', '/config')).body.statusDelayMs).toBe(5);
    expect((await api(fake, 'GET', '/instance/fetchInstances')).body).toEqual([]);
  });

  it('serves the phone page', async () => {
    const res = await fetch(`${fake.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Escanear agora');
  });

  it('key check does not apply to /_fake but applies to everything else', async () => {
    expect((await fetch(`${fake.url}/_fake/instances`)).status).toBe(200);
    expect((await fetch(`${fake.url}/nada`, { headers: { apikey: API_KEY } })).status).toBe(404);
  });
});
