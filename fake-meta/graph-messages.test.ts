import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMeta } from './index';
import { CUSTOMER, graph, NUMBER, startReceiver, startTestFake, statusesOf, textTo, type Receiver } from './test-support';

const WAMID = /^wamid\.[A-Za-z0-9+/]+=*$/;
const messages = `/${NUMBER.phoneNumberId}/messages`;

let receiver: Receiver;
let fake: FakeMeta;
let clock = Date.now();

beforeAll(async () => {
  receiver = await startReceiver();
  fake = await startTestFake(receiver.url, { now: () => clock, autoStatuses: false });
  fake.addTemplate({
    wabaId: NUMBER.wabaId, name: 'retomar_atendimento', language: 'pt_BR',
    components: [{ type: 'BODY', text: 'Olá, {{1}}! Podemos continuar?' }],
  });
});
afterEach(async () => {
  await fake.settled();
  fake.reset();
  fake.configure({ errorDelivery: { 131047: 'async', 131026: 'async' } });
  receiver.received.length = 0;
  clock = Date.now();
});
afterAll(async () => {
  await fake.close();
  await receiver.close();
});

const template = (to: string, params: string[] = ['Maria']) => ({
  messaging_product: 'whatsapp', to, type: 'template',
  template: { name: 'retomar_atendimento', language: { code: 'pt_BR' }, components: [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }] },
});

describe('send success', () => {
  it('answers Meta’s shape with unique wamids inside the window', async () => {
    fake.setWindow({ phoneNumberId: NUMBER.phoneNumberId, waId: CUSTOMER, open: true });
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await graph(fake, messages, { body: textTo(`+${CUSTOMER}`, `mensagem ${i}`) });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        messaging_product: 'whatsapp',
        contacts: [{ input: `+${CUSTOMER}`, wa_id: CUSTOMER }],
        messages: [{ id: expect.stringMatching(WAMID) }],
      });
      ids.add(res.body.messages![0]!.id);
    }
    expect(ids.size).toBe(20);
    expect(fake.sentMessages({ to: CUSTOMER })).toHaveLength(20);
  });

  it('records every request, token and body included', async () => {
    fake.setWindow({ phoneNumberId: NUMBER.phoneNumberId, waId: CUSTOMER, open: true });
    await graph(fake, messages, { body: textTo(CUSTOMER, 'Tudo certo, obrigado!') });
    const [req] = fake.requests({ path: '/messages' });
    expect(req).toMatchObject({
      method: 'POST', path: `/v21.0${messages}`, authorization: `Bearer ${NUMBER.accessToken}`, status: 200,
      body: { type: 'text', text: { body: 'Tudo certo, obrigado!' } },
    });
  });

  it('takes every message type Meta takes', async () => {
    fake.setWindow({ phoneNumberId: NUMBER.phoneNumberId, waId: CUSTOMER, open: true });
    const bodies: Record<string, unknown>[] = [
      { type: 'image', image: { link: 'https://example.com/a.jpg', caption: 'Foto' } },
      { type: 'document', document: { link: 'https://example.com/nota.pdf', filename: 'nota.pdf' } },
      { type: 'audio', audio: { link: 'https://example.com/a.ogg' } },
      { type: 'video', video: { link: 'https://example.com/v.mp4' } },
      { type: 'sticker', sticker: { link: 'https://example.com/s.webp' } },
      { type: 'location', location: { latitude: -23.56, longitude: -46.65, name: 'Loja' } },
      { type: 'contacts', contacts: [{ name: { formatted_name: 'João' }, phones: [{ phone: '+5511999990000' }] }] },
      { type: 'interactive', interactive: { type: 'button', body: { text: 'Escolha' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'Sim' } }] } } },
      { type: 'interactive', interactive: { type: 'list', body: { text: 'Menu' }, action: { button: 'Ver', sections: [{ title: 'S', rows: [{ id: 'r1', title: 'Linha' }] }] } } },
      { type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } },
      { type: 'text', text: { body: 'resposta' }, context: { message_id: 'wamid.Y' } },
      { text: { body: 'type omitted defaults to text' } },
    ];
    for (const b of bodies) {
      const res = await graph(fake, messages, { body: { messaging_product: 'whatsapp', to: CUSTOMER, ...b } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  });

  it('marks a customer message as read with { success: true }', async () => {
    const { id } = await fake.sendCustomerMessage({ phoneNumberId: NUMBER.phoneNumberId, from: CUSTOMER, type: 'text', body: 'Oi' });
    const res = await graph(fake, messages, { body: { messaging_product: 'whatsapp', status: 'read', message_id: id } });
    expect(res).toMatchObject({ status: 200, body: { success: true } });
    expect(fake.inboundMessages()[0]!.readByBusiness).toBe(true);
  });
});

describe('auth and ids', () => {
  it('401 / 190 for an unknown token, a missing one, or a malformed header', async () => {
    for (const token of ['not-a-token', null, '']) {
      const res = await graph(fake, messages, { body: textTo(CUSTOMER), token });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ type: 'OAuthException', code: 190, fbtrace_id: expect.any(String) });
      expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    }
  });

  it('400 / 100 subcode 33 for a phone number id the token cannot use', async () => {
    const res = await graph(fake, '/999999999999999/messages', { body: textTo(CUSTOMER) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'GraphMethodException', code: 100, error_subcode: 33 });
    expect(res.body.error!.message).toContain("Object with ID '999999999999999' does not exist");
  });
});

describe('malformed bodies', () => {
  const cases: [string, unknown, number][] = [
    ['not JSON', '{oops', 100],
    ['no messaging_product', { to: CUSTOMER, type: 'text', text: { body: 'x' } }, 100],
    ['wrong messaging_product', { messaging_product: 'sms', to: CUSTOMER, text: { body: 'x' } }, 100],
    ['no to', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, 100],
    ['unknown type', { messaging_product: 'whatsapp', to: CUSTOMER, type: 'poll', poll: {} }, 100],
    ['missing text object', { messaging_product: 'whatsapp', to: CUSTOMER, type: 'text' }, 131008],
    ['missing text.body', { messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: {} }, 131008],
    ['body too long', { messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: 'x'.repeat(4097) } }, 131009],
    ['media with both id and link', { messaging_product: 'whatsapp', to: CUSTOMER, type: 'image', image: { id: '1', link: 'https://x.y/z.jpg' } }, 131009],
    ['media link not a URL', { messaging_product: 'whatsapp', to: CUSTOMER, type: 'image', image: { link: 'nope' } }, 131009],
    ['unknown media id', { messaging_product: 'whatsapp', to: CUSTOMER, type: 'image', image: { id: '123' } }, 131009],
    ['4 reply buttons', {
      messaging_product: 'whatsapp', to: CUSTOMER, type: 'interactive',
      interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [1, 2, 3, 4].map((i) => ({ type: 'reply', reply: { id: `${i}`, title: `${i}` } })) } },
    }, 131009],
  ];
  it.each(cases)('%s → 400 code %i', async (_name, body, code) => {
    fake.setWindow({ phoneNumberId: NUMBER.phoneNumberId, waId: CUSTOMER, open: true });
    const res = await graph(fake, messages, { body });
    expect(res.status).toBe(400);
    expect(res.body.error!.code).toBe(code);
    if (code !== 100) expect(res.body.error!.error_data).toMatchObject({ messaging_product: 'whatsapp', details: expect.any(String) });
  });
});

describe('24 h customer-service window', () => {
  it('131047 synchronously when configured so, outside the window', async () => {
    fake.configure({ errorDelivery: { 131047: 'sync' } });
    const res = await graph(fake, messages, { body: textTo(CUSTOMER) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      message: '(#131047) Re-engagement message', type: 'OAuthException', code: 131047,
      error_data: { messaging_product: 'whatsapp', details: expect.stringContaining('24 hours') },
    });
    expect(fake.sentMessages()).toHaveLength(0);
  });

  it('by default 200 then a failed status webhook with 131047, as the Cloud API does', async () => {
    const res = await graph(fake, messages, { body: textTo(CUSTOMER) });
    expect(res.status).toBe(200);
    const wamid = res.body.messages![0]!.id;
    const all = await receiver.waitFor((r) => statusesOf(r, wamid).length > 0);
    expect(statusesOf(all, wamid)).toEqual([expect.objectContaining({
      status: 'failed', recipient_id: CUSTOMER,
      errors: [expect.objectContaining({ code: 131047, title: 'Re-engagement message', error_data: { details: expect.any(String) } })],
    })]);
  });

  it('allows free-form inside the window, which a customer message opens, and closes it after 24 h', async () => {
    fake.configure({ errorDelivery: { 131047: 'sync' } });
    await fake.sendCustomerMessage({ phoneNumberId: NUMBER.phoneNumberId, from: CUSTOMER, type: 'text', body: 'Olá, preciso de ajuda' });
    expect((await graph(fake, messages, { body: textTo(CUSTOMER) })).status).toBe(200);
    clock += 23 * 3600_000;
    expect((await graph(fake, messages, { body: textTo(CUSTOMER) })).status).toBe(200);
    clock += 3600_000 + 1;
    expect((await graph(fake, messages, { body: textTo(CUSTOMER) })).body.error!.code).toBe(131047);
  });

  it('closes an open window through the control API', async () => {
    fake.configure({ errorDelivery: { 131047: 'sync' } });
    fake.setWindow({ phoneNumberId: NUMBER.phoneNumberId, waId: CUSTOMER, open: true });
    expect((await graph(fake, messages, { body: textTo(CUSTOMER) })).status).toBe(200);
    fake.setWindow({ phoneNumberId: NUMBER.phoneNumberId, waId: CUSTOMER, open: false });
    expect((await graph(fake, messages, { body: textTo(CUSTOMER) })).status).toBe(400);
  });

  it('always allows approved templates, with message_status accepted', async () => {
    fake.configure({ errorDelivery: { 131047: 'sync' } });
    const res = await graph(fake, messages, { body: template(CUSTOMER) });
    expect(res.status).toBe(200);
    expect(res.body.messages).toEqual([{ id: expect.stringMatching(WAMID), message_status: 'accepted' }]);
  });

  it('132001 (404) for an unknown template or language, 132000 for a wrong parameter count', async () => {
    const missing = await graph(fake, messages, { body: { ...template(CUSTOMER), template: { name: 'nao_existe', language: { code: 'pt_BR' } } } });
    expect(missing.status).toBe(404);
    expect(missing.body.error!.code).toBe(132001);
    const wrongLanguage = await graph(fake, messages, { body: { ...template(CUSTOMER), template: { name: 'retomar_atendimento', language: { code: 'en_US' } } } });
    expect(wrongLanguage.body.error!.code).toBe(132001);
    const params = await graph(fake, messages, { body: template(CUSTOMER, ['Maria', 'sobrando']) });
    expect(params).toMatchObject({ status: 400, body: { error: { code: 132000 } } });
  });
});

describe('recipients and throttling', () => {
  it('131026 for a customer who is not on WhatsApp: async by default, sync when configured', async () => {
    fake.markUnreachable('5511900000000');
    const res = await graph(fake, messages, { body: template('5511900000000') });
    expect(res.status).toBe(200);
    const wamid = res.body.messages![0]!.id;
    await receiver.waitFor((r) => statusesOf(r, wamid).some((s) => s.status === 'failed' && s.errors?.[0]?.code === 131026));

    fake.configure({ errorDelivery: { 131026: 'sync' } });
    fake.markUnreachable('5511900000000');
    const sync = await graph(fake, messages, { body: template('5511900000000') });
    expect(sync).toMatchObject({ status: 400, body: { error: { code: 131026, message: '(#131026) Message undeliverable' } } });
    const invalid = await graph(fake, messages, { body: template('12ab') });
    expect(invalid.body.error!.code).toBe(131026);
  });

  it('130429 with HTTP 429 while throttled, 131056 for the pair limit, until cleared', async () => {
    fake.throttle({ code: 130429 });
    const hit = await graph(fake, messages, { body: template(CUSTOMER) });
    expect(hit).toMatchObject({ status: 429, body: { error: { code: 130429, message: '(#130429) Rate limit hit' } } });
    fake.throttle({ code: 131056, phoneNumberId: NUMBER.phoneNumberId });
    expect((await graph(fake, messages, { body: template(CUSTOMER) })).body.error!.code).toBe(131056);
    fake.clearThrottle();
    expect((await graph(fake, messages, { body: template(CUSTOMER) })).status).toBe(200);
  });

  it('131021 when the recipient is the business number itself', async () => {
    const res = await graph(fake, messages, { body: template('551140000009') });
    expect(res.body.error!.code).toBe(131021);
  });
});
