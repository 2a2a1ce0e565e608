import { env, SELF } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { drainQueues } from '../../test/drain';
import { api, signupOrg, testDb, type Session } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, eventually, messagesOf, nowSeconds, postWebhook, sign, type TestChannel } from '../../test/whatsapp';
import { messages, unroutableEvents } from '../db/schema';

const { db } = testDb();

describe('GET /webhooks/whatsapp (verification handshake)', () => {
  it('echoes the challenge for the right token', async () => {
    const res = await SELF.fetch(`http://conversa.test/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${env.META_VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('1158201444');
  });

  it('refuses a wrong token or mode with 403', async () => {
    for (const q of ['hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1', 'hub.mode=unsubscribe&hub.verify_token=' + env.META_VERIFY_TOKEN + '&hub.challenge=1']) {
      const res = await SELF.fetch(`http://conversa.test/webhooks/whatsapp?${q}`);
      expect(res.status).toBe(403);
      expect((await res.json<any>()).error.code).toBe('verification_failed');
    }
  });
});

describe('POST /webhooks/whatsapp', () => {
  let admin: Session;
  let ch: TestChannel;
  beforeAll(async () => {
    admin = await signupOrg('Ótica Paulista');
    ch = await connectChannel(admin);
  });
  const o = () => ({ phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, timestamp: nowSeconds() });

  it('refuses a missing, malformed or wrong signature with 401 and stores nothing', async () => {
    const id = fx.wamid();
    const body = JSON.stringify(fx.textMessage('não deveria entrar', { ...o(), id }));
    for (const signature of [null, 'sha256=zz', `sha256=${'0'.repeat(64)}`, await sign(body, 'another-secret')]) {
      const res = await postWebhook(body, { signature });
      expect(res.status).toBe(401);
    }
    // A correctly signed twin would have been stored by now.
    const control = fx.textMessage('controle', { ...o(), id: fx.wamid() });
    expect((await postWebhook(control)).status).toBe(200);
    await eventually(async () => (await db.select().from(messages).where(eq(messages.providerMessageId, (control.entry[0]!.changes[0]!.value as any).messages[0].id))).length === 1);
    expect(await db.select().from(messages).where(eq(messages.providerMessageId, id))).toEqual([]);
  });

  it('answers 413 to a body over the limit', async () => {
    const huge = JSON.stringify({ object: 'whatsapp_business_account', entry: [], pad: 'x'.repeat(3 * 1024 * 1024 + 10) });
    expect((await postWebhook(huge)).status).toBe(413);
  });

  it('acknowledges at once with 200 EVENT_RECEIVED', async () => {
    const res = await postWebhook(fx.textMessage('Oi', o()));
    expect(res).toEqual({ status: 200, text: 'EVENT_RECEIVED' });
  });

  it('stores every message type, readable back through the API', async () => {
    const from = customerNumber();
    const opts = () => ({ ...o(), from, name: 'Cliente Tipos' });
    const quoted = fx.wamid();
    const cases: [string, fx.WebhookBody, (m: any) => void][] = [
      ['text', fx.textMessage('Olá! Vocês entregam em São Paulo? 😊', { ...opts(), id: quoted }), (m) => expect(m.body).toBe('Olá! Vocês entregam em São Paulo? 😊')],
      ['image', fx.imageMessage('Foto do produto', opts()), (m) => expect(m).toMatchObject({ kind: 'image', body: 'Foto do produto', media: { status: expect.any(String), mimeType: 'image/jpeg' } })],
      ['voice', fx.audioMessage(true, opts()), (m) => expect(m).toMatchObject({ kind: 'audio', payload: expect.objectContaining({ media: expect.objectContaining({ voice: true }) }) })],
      ['video', fx.videoMessage('Vídeo', opts()), (m) => expect(m.kind).toBe('video')],
      ['document', fx.documentMessage('Nota fiscal nº 123.pdf', undefined, opts()), (m) => expect(m).toMatchObject({ kind: 'document', media: { filename: 'Nota fiscal nº 123.pdf' } })],
      ['sticker', fx.stickerMessage(false, opts()), (m) => expect(m.kind).toBe('sticker')],
      ['location', fx.locationMessage(opts()), (m) => expect(m).toMatchObject({ kind: 'location', payload: expect.objectContaining({ location: expect.any(Object) }) })],
      ['contacts', fx.contactsMessage(undefined, opts()), (m) => expect(m).toMatchObject({ kind: 'contacts', body: expect.stringContaining('João da Silva') })],
      ['button reply', fx.buttonReplyMessage('confirmar_pedido', 'Confirmar ✅', opts()), (m) => expect(m).toMatchObject({ kind: 'interactive', body: 'Confirmar ✅' })],
      ['list reply', fx.listReplyMessage(undefined, undefined, undefined, opts()), (m) => expect(m.kind).toBe('interactive')],
      ['template quick reply', fx.templateButtonMessage('Sim, quero receber', 'OPT_IN_YES', opts()), (m) => expect(m).toMatchObject({ kind: 'button', body: 'Sim, quero receber' })],
      ['reply with context', fx.textMessage('Respondendo', { ...opts(), context: fx.replyContext(quoted, from) }), (m) => expect(m.replyToProviderId).toBe(quoted)],
      ['unsupported', fx.unsupportedMessage('poll_creation', opts()), (m) => expect(m).toMatchObject({ kind: 'unsupported', error: expect.objectContaining({ code: expect.any(Number) }) })],
      ['referral', fx.textMessage('Vi o anúncio', { ...opts(), referral: fx.referral() }), (m) => expect(m.payload.referral).toMatchObject({ source_type: expect.any(String) })],
    ];
    const ids: Record<string, string> = {};
    for (const [name, body] of cases) {
      ids[name] = (body.entry[0]!.changes[0]!.value as any).messages[0].id;
      expect((await postWebhook(body)).status).toBe(200);
    }
    const conv = await conversationOf(admin, from);
    const stored = await eventually(async () => {
      const list = await messagesOf(admin, conv.id);
      return list.length >= cases.length ? list : null;
    });
    for (const [name, , check] of cases) {
      const m = stored.find((x) => x.providerMessageId === ids[name]);
      expect(m, name).toBeTruthy();
      expect(m.direction).toBe('inbound');
      check(m);
    }
    // The quoted reply is linked to the local copy of the quoted message.
    const reply = stored.find((x) => x.providerMessageId === ids['reply with context']);
    expect(reply.replyToMessageId).toBe(stored.find((x) => x.providerMessageId === quoted).id);
    const refreshed = await conversationOf(admin, from);
    expect(refreshed.contact).toMatchObject({ name: 'Cliente Tipos', phone: `+${from}` });
    expect(refreshed.unreadCount).toBe(cases.length);
  });

  it('applies a reaction to its message, and removes it on un-reaction', async () => {
    const from = customerNumber();
    const target = fx.wamid();
    await postWebhook(fx.textMessage('Chegou!', { ...o(), from, id: target }));
    const conv = await conversationOf(admin, from);
    await postWebhook(fx.reactionMessage(target, '❤️', { ...o(), from }));
    await eventually(async () => (await messagesOf(admin, conv.id)).find((m) => m.providerMessageId === target)?.reactions?.[0]?.emoji === '❤️');
    await postWebhook(fx.reactionMessage(target, undefined, { ...o(), from }));
    await eventually(async () => (await messagesOf(admin, conv.id)).find((m) => m.providerMessageId === target)?.reactions?.length === 0);
    // Reactions are not extra chat bubbles.
    expect((await messagesOf(admin, conv.id)).length).toBe(1);
  });

  it('stores a redelivered webhook once', async () => {
    const from = customerNumber();
    const body = fx.textMessage('Mensagem única', { ...o(), from });
    for (let i = 0; i < 3; i++) expect((await postWebhook(body)).status).toBe(200);
    const conv = await conversationOf(admin, from);
    await drainQueues();
    expect((await messagesOf(admin, conv.id)).length).toBe(1);
    expect((await conversationOf(admin, from)).unreadCount).toBe(1);
  });

  it('records a message for an unknown number as unroutable instead of dropping it', async () => {
    const phoneNumberId = `9${Date.now()}`;
    const body = fx.textMessage('Para quem?', { phoneNumberId, timestamp: nowSeconds() });
    expect((await postWebhook(body)).status).toBe(200);
    const rows = await eventually(async () => {
      const r = await db.select().from(unroutableEvents).where(eq(unroutableEvents.phoneNumberId, phoneNumberId));
      return r.length ? r : null;
    });
    expect(rows[0]).toMatchObject({ reason: 'unknown_phone_number_id' });
  });

  it('keeps the 24 h window from the customer’s last message', async () => {
    const from = customerNumber();
    await postWebhook(fx.textMessage('Oi', { ...o(), from, timestamp: nowSeconds(-3600) }));
    const conv = await conversationOf(admin, from);
    const res = await api('GET', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken });
    expect(res.body.conversation.window.open).toBe(true);
    expect(new Date(res.body.conversation.window.expiresAt).getTime()).toBeCloseTo(Date.now() + 23 * 3600 * 1000, -5);
  });
});
