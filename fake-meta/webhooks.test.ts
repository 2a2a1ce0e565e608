import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildButtonMessage, buildContactsMessage, buildInteractiveReply, buildLocationMessage, buildMediaMessage, buildReactionMessage,
  buildStatus, buildTextMessage, buildUnsupportedMessage, newWamid, postWebhook, serializeLikeMeta, signBody, signBodyWebCrypto,
  verifySignature,
  type BusinessRef, type CustomerRef,
} from './webhooks';
import { startReceiver, type Receiver } from './test-support';

const business: BusinessRef = { wabaId: '200000000000001', phoneNumberId: '100000000000001', displayPhoneNumber: '+55 11 4000-0001' };
const customer: CustomerRef = { waId: '5511987654321', name: 'João Conceição' };
const SECRET = 'segredo-do-app';

/** HMAC-SHA256 through WebCrypto: an implementation independent of the node:crypto one the fake signs with. */
async function webCryptoHmacHex(raw: Uint8Array, secret: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return Buffer.from(await crypto.subtle.sign('HMAC', key, new Uint8Array(raw))).toString('hex');
}

describe('payload builders', () => {
  it('builds a customer text in Meta’s envelope', () => {
    const payload = buildTextMessage(business, customer, 'Olá, quero saber do meu pedido', { id: 'wamid.A', timestamp: 1700000000 });
    expect(payload).toEqual({
      object: 'whatsapp_business_account',
      entry: [{
        id: '200000000000001',
        changes: [{
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '551140000001', phone_number_id: '100000000000001' },
            contacts: [{ profile: { name: 'João Conceição' }, wa_id: '5511987654321' }],
            messages: [{ from: '5511987654321', id: 'wamid.A', timestamp: '1700000000', type: 'text', text: { body: 'Olá, quero saber do meu pedido' } }],
          },
        }],
      }],
    });
  });

  const first = (p: ReturnType<typeof buildTextMessage>) => p.entry[0]!.changes[0]!.value.messages![0]!;

  it('builds every inbound type with its own object', () => {
    const ctx = { context: { from: '551140000001', id: 'wamid.BIZ' } };
    expect(first(buildMediaMessage(business, customer, 'audio', { id: '1', mime_type: 'audio/ogg; codecs=opus', sha256: 'abc=', voice: true })))
      .toMatchObject({ type: 'audio', audio: { id: '1', voice: true } });
    expect(first(buildLocationMessage(business, customer, { latitude: -23.5, longitude: -46.6, name: 'Paulista' })))
      .toMatchObject({ type: 'location', location: { latitude: -23.5, name: 'Paulista' } });
    expect(first(buildContactsMessage(business, customer, [{ name: { formatted_name: 'Ana' }, phones: [{ phone: '+55 11 9999-0000', type: 'CELL' }] }])))
      .toMatchObject({ type: 'contacts', contacts: [{ name: { formatted_name: 'Ana' } }] });
    expect(first(buildInteractiveReply(business, customer, { type: 'button_reply', button_reply: { id: 'sim', title: 'Sim' } }, ctx)))
      .toMatchObject({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'sim' } }, context: ctx.context });
    expect(first(buildInteractiveReply(business, customer, { type: 'list_reply', list_reply: { id: 'r1', title: 'Linha', description: 'd' } })))
      .toMatchObject({ interactive: { type: 'list_reply', list_reply: { id: 'r1' } } });
    expect(first(buildButtonMessage(business, customer, { text: 'Sim, por favor', payload: 'SIM' }, ctx)))
      .toMatchObject({ type: 'button', button: { text: 'Sim, por favor', payload: 'SIM' }, context: ctx.context });
    expect(first(buildTextMessage(business, customer, 'Vi o anúncio', {
      referral: { source_url: 'https://fb.me/x', source_id: '123', source_type: 'ad', headline: 'Promo', ctwa_clid: 'clid' },
    }))).toMatchObject({ referral: { source_type: 'ad', ctwa_clid: 'clid' } });
  });

  it('sends a reaction with its emoji, and a removal with no emoji field at all', () => {
    expect(first(buildReactionMessage(business, customer, 'wamid.BIZ', '❤️'))).toMatchObject({ type: 'reaction', reaction: { message_id: 'wamid.BIZ', emoji: '❤️' } });
    const removal = first(buildReactionMessage(business, customer, 'wamid.BIZ', ''));
    expect(removal).toMatchObject({ type: 'reaction', reaction: { message_id: 'wamid.BIZ' } });
    expect(removal.type === 'reaction' && 'emoji' in removal.reaction).toBe(false);
  });

  it('marks unsupported messages with error 131051', () => {
    expect(first(buildUnsupportedMessage(business, customer, 'poll')))
      .toMatchObject({ type: 'unsupported', errors: [{ code: 131051 }], unsupported: { type: 'poll' } });
  });

  it('builds statuses, with errors on failed ones', () => {
    const failed = buildStatus(business, {
      id: 'wamid.OUT', status: 'failed', recipientId: customer.waId, timestamp: 1700000001,
      errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'd' }, href: 'h' }],
    });
    expect(failed.entry[0]!.changes[0]!.value).toEqual({
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '551140000001', phone_number_id: '100000000000001' },
      statuses: [{
        id: 'wamid.OUT', status: 'failed', timestamp: '1700000001', recipient_id: '5511987654321',
        errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'd' }, href: 'h' }],
      }],
    });
  });

  it('makes unique, Meta-looking wamids', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newWamid(customer.waId)));
    expect(ids.size).toBe(1000);
    for (const id of [...ids].slice(0, 5)) expect(id).toMatch(/^wamid\.HBg[A-Za-z0-9+/]+=*$/);
  });
});

describe('serialisation and signature', () => {
  it('escapes like Meta (lowercase \\u, slashes, <, %, @) and parses back to the same payload', () => {
    const payload = buildTextMessage(business, customer, 'Ação às 10h <b> 50% @loja https://x.y/ 😀');
    const raw = serializeLikeMeta(payload);
    expect(raw).toContain('A\\u00e7\\u00e3o \\u00e0s 10h \\u003Cb> 50\\u0025 \\u0040loja https:\\/\\/x.y\\/ \\ud83d\\ude00');
    expect(/[^\x20-\x7e]/.test(raw)).toBe(false);
    expect(JSON.parse(raw)).toEqual(payload);
  });

  it('signs with HMAC-SHA256 of the exact bytes; re-serialising accented text breaks it, as with Meta', async () => {
    const raw = serializeLikeMeta(buildTextMessage(business, customer, 'Olá, ação!'));
    const header = signBody(raw, SECRET);
    expect(header).toBe(`sha256=${await webCryptoHmacHex(new TextEncoder().encode(raw), SECRET)}`);
    expect(verifySignature(raw, header, SECRET)).toBe(true);
    expect(verifySignature(raw, header, 'outro-segredo')).toBe(false);
    expect(verifySignature(JSON.stringify(JSON.parse(raw)), header, SECRET)).toBe(false);
  });

  it('gives the same header through Web Crypto, for tests running in workerd', async () => {
    const raw = serializeLikeMeta(buildStatus(business, { id: 'wamid.X', status: 'read', recipientId: customer.waId }));
    expect(await signBodyWebCrypto(raw, SECRET)).toBe(signBody(raw, SECRET));
  });
});

describe('postWebhook', () => {
  let receiver: Receiver;
  beforeAll(async () => { receiver = await startReceiver(); });
  afterAll(async () => { await receiver.close(); });

  it('arrives at the receiver with a signature an independent HMAC verifies, and returns its status', async () => {
    const payload = buildTextMessage(business, customer, 'Bom dia! Gostaria de um orçamento 🙂');
    const result = await postWebhook(receiver.url, payload, SECRET);
    expect(result.status).toBe(200);
    const [got] = await receiver.waitFor((r) => r.length === 1);
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.headers['x-hub-signature-256']).toBe(`sha256=${await webCryptoHmacHex(got!.raw, SECRET)}`);
    expect(got!.raw.toString('utf8')).toBe(result.rawBody);
    expect(got!.json).toEqual(payload);

    receiver.respondWith(403);
    expect((await postWebhook(receiver.url, payload, SECRET)).status).toBe(403);
    receiver.respondWith(200);
  });

  it('reports an unreachable receiver as status null', async () => {
    const result = await postWebhook('http://127.0.0.1:9/webhooks/whatsapp', buildTextMessage(business, customer, 'x'), SECRET, { timeoutMs: 2000 });
    expect(result.status).toBeNull();
    expect(result.error).toBeDefined();
  });
});
