import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeMeta, type FakeMeta } from './index';
import { APP_SECRET, CUSTOMER, startReceiver, type Receiver } from './test-support';
import { verifySignature } from './webhooks';

let receiver: Receiver;
let fake: FakeMeta;
const PHONE = '109000000000077';

beforeAll(async () => {
  receiver = await startReceiver();
  fake = await startFakeMeta({ webhookUrl: receiver.url, appSecret: APP_SECRET, statusDelayMs: 5 });
});
afterAll(async () => {
  await fake.close();
  await receiver.close();
});

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${fake.url}/_fake${path}`, {
    method, ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { data?: Record<string, unknown>[] } };
}

describe('control API', () => {
  it('registers a number and reports bad input in Conversa’s error shape', async () => {
    const bad = await control('POST', '/numbers', { phoneNumberId: 'abc' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid_input', message: expect.any(String) } });
    const ok = await control('POST', '/numbers', {
      phoneNumberId: PHONE, wabaId: '209000000000077', displayPhoneNumber: '+55 11 4000-0077', accessToken: 'ctl-token',
    });
    expect(ok.status).toBe(201);
    expect((await control('GET', '/numbers')).body.data).toEqual([expect.objectContaining({ phoneNumberId: PHONE, verifiedName: 'Conversa Demo' })]);
  });

  it('sends every customer message type as a signed webhook and answers with what the receiver said', async () => {
    const base = { phoneNumberId: PHONE, from: CUSTOMER, name: 'Ana Lúcia' };
    const cases: Record<string, unknown>[] = [
      { type: 'text', body: 'Olá! Vocês entregam em Niterói?' },
      { type: 'image', caption: 'foto do produto' },
      { type: 'audio' },
      { type: 'voice' },
      { type: 'video' },
      { type: 'document', filename: 'comprovante.pdf' },
      { type: 'sticker' },
      { type: 'location', latitude: -22.9, longitude: -43.1, locationName: 'Niterói' },
      { type: 'contacts', contacts: [{ name: { formatted_name: 'José' }, phones: [{ phone: '+55 21 99999-0000' }] }] },
      { type: 'button_reply', replyId: 'sim', title: 'Sim', context: { id: 'wamid.BIZ1' } },
      { type: 'list_reply', replyId: 'r2', title: 'Trocas', context: { id: 'wamid.BIZ2' } },
      { type: 'button', text: 'Sim, por favor', payload: 'RETOMAR', context: { id: 'wamid.BIZ3' } },
      { type: 'reaction', messageId: 'wamid.BIZ1', emoji: '😍' },
      { type: 'reaction', messageId: 'wamid.BIZ1' },
      { type: 'text', body: 'respondendo', context: { id: 'wamid.BIZ1' } },
      { type: 'text', body: 'Vi no Instagram', referral: { source_url: 'https://fb.me/ad', source_id: '1', source_type: 'ad', ctwa_clid: 'x' } },
      { type: 'unsupported', unsupportedType: 'poll' },
    ];
    for (const c of cases) {
      const res = await control('POST', '/customer-messages', { ...base, ...c });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.webhookStatus).toBe(200);
    }
    const all = await receiver.waitFor((r) => r.length >= cases.length);
    const types = all.map((r) => r.json.entry[0]!.changes[0]!.value.messages![0]!.type);
    expect(types).toEqual(['text', 'image', 'audio', 'audio', 'video', 'document', 'sticker', 'location', 'contacts',
      'interactive', 'interactive', 'button', 'reaction', 'reaction', 'text', 'text', 'unsupported']);
    for (const r of all) expect(verifySignature(r.raw, r.headers['x-hub-signature-256'] as string, APP_SECRET)).toBe(true);
    const reply = all[9]!.json.entry[0]!.changes[0]!.value.messages![0]!;
    expect(reply.context).toEqual({ from: '551140000077', id: 'wamid.BIZ1' });
    expect(all[0]!.json.entry[0]!.changes[0]!.value.contacts).toEqual([{ profile: { name: 'Ana Lúcia' }, wa_id: CUSTOMER }]);
  });

  it('404s a customer message to an unregistered number', async () => {
    const res = await control('POST', '/customer-messages', { phoneNumberId: '1', from: CUSTOMER, type: 'text', body: 'x' });
    expect(res).toMatchObject({ status: 404, body: { error: { code: 'unknown_phone_number' } } });
  });

  it('opens and closes the window and shows the chat in both directions', async () => {
    const closed = await control('POST', '/window', { phoneNumberId: PHONE, waId: CUSTOMER, open: false });
    expect(closed.body).toMatchObject({ open: false });
    const opened = await control('POST', '/window', { phoneNumberId: PHONE, waId: CUSTOMER, open: true });
    expect(opened.body).toMatchObject({ open: true, expiresAt: expect.any(String) });

    const sent = await fetch(`${fake.graphBaseUrl}/${PHONE}/messages`, {
      method: 'POST', headers: { Authorization: 'Bearer ctl-token', 'Content-Type': 'application/json' },
      body: JSON.stringify({
        messaging_product: 'whatsapp', to: CUSTOMER, type: 'interactive',
        interactive: { type: 'button', body: { text: 'Posso ajudar com algo mais?' }, action: { buttons: [{ type: 'reply', reply: { id: 'nao', title: 'Não, obrigado' } }] } },
      }),
    });
    expect(sent.status).toBe(200);
    const chat = await control('GET', `/messages?phoneNumberId=${PHONE}&waId=${CUSTOMER}`);
    const last = chat.body.data!.at(-1)!;
    expect(last).toMatchObject({ direction: 'outbound', text: 'Posso ajudar com algo mais?', replies: [{ kind: 'button_reply', id: 'nao', title: 'Não, obrigado' }] });
    expect(chat.body.data!.some((m) => m.direction === 'inbound' && m.text === 'Olá! Vocês entregam em Niterói?')).toBe(true);
  });

  it('lists recorded requests, settles, and resets traffic but keeps numbers', async () => {
    const reqs = await control('GET', '/requests?path=/messages');
    expect(reqs.body.data!.length).toBeGreaterThan(0);
    expect((await control('POST', '/settle')).body).toEqual({ settled: true });
    expect((await control('POST', '/reset', {})).body).toEqual({ reset: true, all: false });
    expect((await control('GET', '/requests')).body.data).toEqual([]);
    expect((await control('GET', '/numbers')).body.data).toHaveLength(1);
  });

  it('changes config, and answers unknown control routes with 404', async () => {
    const cfg = await control('PATCH', '/config', { autoStatuses: false, errorDelivery: { 131047: 'sync' } });
    expect(cfg.body).toMatchObject({ autoStatuses: false, errorDelivery: { 131047: 'sync', 131026: 'async' } });
    expect(cfg.body).not.toHaveProperty('appSecret');
    await control('PATCH', '/config', { autoStatuses: true, errorDelivery: { 131047: 'async' } });
    expect((await control('GET', '/nope')).status).toBe(404);
  });
});

describe('phone page and Graph 404s', () => {
  it('serves the customer page as UTF-8 HTML', async () => {
    const res = await fetch(`${fake.url}/`);
    expect(res.headers.get('content-type')).toMatch(/text\/html; charset=UTF-8/i);
    const html = await res.text();
    expect(html).toContain('Telefone do cliente');
    expect(html).toContain("api('/customer-messages'");
  });

  it('answers unknown Graph edges the way Graph does', async () => {
    const res = await fetch(`${fake.graphBaseUrl}/${PHONE}/whatever`, { headers: { Authorization: 'Bearer ctl-token' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 2500, message: 'Unknown path components: /whatever' } });
  });
});
