// Evolution API end to end: a channel created through the API (instance at the fake Evolution), real-shaped v2
// webhook bodies through /webhooks/evolution/:channelId, the queue, the database, and back out through the API.
import { env } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as fx from '../../queues/evolution/fixtures';
import { drainQueues } from '../../test/drain';
import { connectEvolution, evolutionNumber, evolutionSent, evolutionWrites, fakeEvolution, instanceName, postEvolution, type EvolutionChannel } from '../../test/evolution';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { eventually, messagesOf } from '../../test/whatsapp';
import { channels, contacts, conversations, messages } from '../db/schema';
import { contentCrypto, openMessageBodies } from '../domain/content-crypto';

const { db } = testDb();

const conversationWith = (s: Session, waId: string) =>
  eventually(async () => {
    const res = await api('GET', '/api/v1/conversations?limit=100&status=open', { token: s.accessToken });
    return res.body.data?.find((c: any) => c.contact.waId === waId);
  });

const stored = (providerMessageId: string) =>
  eventually(async () => (await db.select().from(messages).where(eq(messages.providerMessageId, providerMessageId)))[0]);

describe('connecting a number through Evolution', () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await signupOrg('Papelaria Central');
  });

  it('creates the instance with its webhook and secret header, answers 201 with them, and shows the QR code', async () => {
    const ch = await connectEvolution(admin, { name: 'Loja Centro', scan: false });
    expect(ch.webhook.url).toMatch(new RegExp(`/webhooks/evolution/${ch.id}$`));
    expect(Object.keys(ch.webhook.headers)).toEqual(['x-conversa-webhook-token']);
    expect(ch.channel).toMatchObject({ provider: 'evolution', name: 'Loja Centro', instanceName: ch.instanceName, connectionState: 'connecting', sendRatePerMinute: 20, capabilities: { window24h: false, templates: false } });
    expect(ch.channel.qrCode).toMatch(/^data:image\/png;base64,/);
    // Exactly as configured on Evolution.
    const instances = (await fakeEvolution('GET', '/instances')).body;
    const list = Array.isArray(instances) ? instances : instances.data;
    const onFake = list.find((i: any) => (i.name ?? i.instanceName) === ch.instanceName);
    expect(JSON.stringify(onFake)).toContain(ch.webhook.url);
    expect(JSON.stringify(onFake)).toContain(ch.webhook.headers['x-conversa-webhook-token']!);
  });

  it('refuses a taken instance name (409) and lets only admins connect numbers (403)', async () => {
    const name = instanceName();
    await connectEvolution(admin, { instanceName: name, scan: false });
    const again = await api('POST', '/api/v1/channels', { token: admin.accessToken, body: { provider: 'evolution', name: 'Outra', instanceName: name } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('instance_taken');
    const agent = await addMember(admin.orgId, 'agent');
    const denied = await api('POST', '/api/v1/channels', { token: agent.accessToken, body: { provider: 'evolution', name: 'X', instanceName: instanceName() } });
    expect(denied.status).toBe(403);
    const bad = await api('POST', '/api/v1/channels', { token: admin.accessToken, body: { provider: 'evolution', name: 'X', instanceName: 'com espaço' } });
    expect(bad.status).toBe(400);
  });

  it('follows qrcode.updated and connection.update; only admins receive the QR code', async () => {
    const ch = await connectEvolution(admin, { scan: false });
    const qr = fx.qrcode('2@novo-codigo');
    qr.instance = ch.instanceName;
    expect((await postEvolution(ch, qr)).status).toBe(200);
    await eventually(async () => (await db.select().from(channels).where(eq(channels.id, ch.id)))[0]?.qrUpdatedAt);
    const open = fx.connection('open', { wuid: '5511955501234@s.whatsapp.net' });
    expect((await postEvolution(ch, open)).status).toBe(200);
    const row = await eventually(async () => {
      const [c] = await db.select().from(channels).where(eq(channels.id, ch.id));
      return c?.connectionState === 'open' && c;
    });
    expect(row).toMatchObject({ qrCode: null, displayPhoneNumber: '+5511955501234' });
    const manager = await addMember(admin.orgId, 'manager');
    const seen = (await api('GET', '/api/v1/channels', { token: manager.accessToken })).body.data.find((c: any) => c.id === ch.id);
    expect(seen.connectionState).toBe('open');
    await postEvolution(ch, fx.connection('connecting'));
    await postEvolution(ch, fx.qrcode('2@outro'));
    await eventually(async () => (await db.select().from(channels).where(eq(channels.id, ch.id)))[0]?.qrCode);
    expect((await api('GET', '/api/v1/channels', { token: manager.accessToken })).body.data.find((c: any) => c.id === ch.id).qrCode).toBeNull();
    expect((await api('GET', '/api/v1/channels', { token: admin.accessToken })).body.data.find((c: any) => c.id === ch.id).qrCode).toMatch(/^data:image/);
  });

  it('a new QR code on request; removal logs out and deletes the instance and disables the channel', async () => {
    const ch = await connectEvolution(admin, { scan: false });
    const again = await api('POST', `/api/v1/channels/${ch.id}/reconnect`, { token: admin.accessToken });
    expect(again.status).toBe(200);
    expect(again.body.channel.qrCode).toMatch(/^data:image\/png;base64,/);
    const removed = await api('DELETE', `/api/v1/channels/${ch.id}`, { token: admin.accessToken });
    expect(removed.status).toBe(200);
    expect(removed.body.channel).toMatchObject({ status: 'disabled', instanceName: null, connectionState: 'close' });
    const instances = (await fakeEvolution('GET', '/instances')).body;
    expect(JSON.stringify(instances)).not.toContain(ch.instanceName);
    // Another organisation's channel is a 404.
    const other = await signupOrg('Outra Loja');
    expect((await api('DELETE', `/api/v1/channels/${ch.id}`, { token: other.accessToken })).status).toBe(404);
  });
});

describe('POST /webhooks/evolution/:channelId', () => {
  let admin: Session;
  let ch: EvolutionChannel;
  beforeAll(async () => {
    admin = await signupOrg('Mercearia do Bairro');
    ch = await connectEvolution(admin);
  });

  it('checks the channel’s secret header: missing, wrong or another channel’s → 401 and nothing stored', async () => {
    const other = await connectEvolution(admin, { scan: false });
    const body = fx.text('não deveria entrar', { from: evolutionNumber() });
    for (const headers of [{}, { 'x-conversa-webhook-token': 'errado' }, other.webhook.headers]) {
      expect((await postEvolution(ch, body, headers)).status).toBe(401);
    }
    const bogus = await postEvolution({ id: 'not-a-uuid', webhook: ch.webhook }, body);
    expect(bogus.status).toBe(401);
    await drainQueues();
    expect(await db.select().from(messages).where(eq(messages.providerMessageId, body.data.key.id))).toEqual([]);
  });

  it('refuses a malformed body with 400 (nothing stored) and acknowledges unknown events', async () => {
    const broken = fx.text('quebrado');
    (broken.data as any).key = { remoteJid: '5511@s.whatsapp.net' };
    const res = await postEvolution(ch, broken);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_payload');
    expect((await postEvolution(ch, '{"event":')).status).toBe(400);
    expect(await postEvolution(ch, fx.envelope('presence.update', { id: 'x', presences: {} }))).toMatchObject({ status: 200, body: { ignored: true } });
    await drainQueues();
    expect(await db.select().from(messages).where(eq(messages.providerMessageId, broken.data.key.id))).toEqual([]);
  });

  it('stores every kind of message, once, under the customer’s conversation, and the API shows them', async () => {
    const from = evolutionNumber();
    const o = { from, pushName: 'Beatriz Lima' };
    const bodies = [
      fx.text('Olá!', o),
      fx.extendedText('Vocês entregam?', o),
      fx.image('Foto', o),
      fx.voiceNote(o),
      fx.video('Vídeo', o),
      fx.documentMessage('pedido.pdf', o),
      fx.sticker(o),
      fx.location(o),
      fx.contact(o),
    ];
    for (const b of bodies) expect((await postEvolution(ch, b)).status).toBe(200);
    // A redelivery changes nothing.
    expect((await postEvolution(ch, bodies[0])).status).toBe(200);
    const conv = await conversationWith(admin, from);
    expect(conv.contact).toMatchObject({ name: 'Beatriz Lima', phone: `+${from}` });
    const list = await eventually(async () => {
      const l = await messagesOf(admin, conv.id);
      return l.length >= bodies.length && l;
    });
    await drainQueues();
    expect(await messagesOf(admin, conv.id)).toHaveLength(bodies.length);
    const byId = new Map(list.map((m: any) => [m.providerMessageId, m]));
    expect(bodies.map((b) => byId.get(b.data.key.id)?.kind)).toEqual(['text', 'text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts']);
    expect(byId.get(bodies[1]!.data.key.id)).toMatchObject({ direction: 'inbound', body: 'Vocês entregam?' });
    expect(byId.get(bodies[7]!.data.key.id).body).toContain('MASP');
  });

  it('downloads inbound media from Evolution into storage', async () => {
    const from = evolutionNumber();
    const { id } = await evolutionWrites(ch, { from, name: 'Rafael', kind: 'image', caption: 'Comprovante' });
    const m = await eventually(async () => {
      const [row] = await db.select().from(messages).where(eq(messages.providerMessageId, id));
      return row?.mediaStatus === 'stored' && row;
    });
    const media = await api('GET', `/api/v1/messages/${m.id}/media`, { token: admin.accessToken });
    expect(media.status).toBe(200);
  });

  it('a message typed on the business’s phone (fromMe) is our outbound message in the customer’s conversation', async () => {
    const from = evolutionNumber();
    await postEvolution(ch, fx.text('Preciso de ajuda', { from }));
    const conv = await conversationWith(admin, from);
    const mine = fx.text('Claro, já vou ver', { from, fromMe: true });
    await postEvolution(ch, mine);
    const row = await stored(mine.data.key.id);
    expect(row).toMatchObject({ direction: 'outbound', status: 'sent', conversationId: conv.id, senderUserId: null });
    const [c] = await db.select().from(conversations).where(eq(conversations.id, conv.id));
    expect(c).toMatchObject({ unreadCount: 0, waitingSince: null });
    const [contact] = await db.select().from(contacts).where(and(eq(contacts.organizationId, admin.orgId), eq(contacts.waId, from)));
    expect(contact!.name).not.toBe('Você');
  });

  it('quoted replies and reactions link to the messages they name; statuses move forward only; deletions blank the text', async () => {
    const from = evolutionNumber();
    const mine = fx.text('Temos azul e verde', { from, fromMe: true });
    await postEvolution(ch, mine);
    const ours = await stored(mine.data.key.id);
    const reply = fx.quotedReply('Quero o azul', { id: mine.data.key.id, text: 'Temos azul e verde' }, { from });
    await postEvolution(ch, reply);
    expect((await stored(reply.data.key.id)).replyToMessageId).toBe(ours.id);
    await postEvolution(ch, fx.reaction({ id: mine.data.key.id, fromMe: true, remoteJid: `${from}@s.whatsapp.net` }, '❤️', { from }));
    const conv = await conversationWith(admin, from);
    await eventually(async () => (await messagesOf(admin, conv.id)).find((m: any) => m.id === ours.id)?.reactions?.[0]?.emoji === '❤️');
    await postEvolution(ch, fx.statusUpdate(mine.data.key.id, 'READ', { remoteJid: `${from}@s.whatsapp.net` }));
    await eventually(async () => (await stored(mine.data.key.id)).status === 'read');
    await postEvolution(ch, fx.statusUpdate(mine.data.key.id, 'DELIVERY_ACK', { remoteJid: `${from}@s.whatsapp.net` }));
    await drainQueues();
    expect((await stored(mine.data.key.id)).status).toBe('read');
    await postEvolution(ch, fx.deleted(reply.data.key.id, { remoteJid: `${from}@s.whatsapp.net` }));
    await eventually(async () => (await stored(reply.data.key.id)).payload?.revoked === true);
    expect((await stored(reply.data.key.id)).body).toBeNull();
  });

  it('a group is one conversation, each participant’s name on their messages', async () => {
    const group = `1203630${evolutionNumber()}@g.us`;
    await postEvolution(ch, fx.text('Bom dia, grupo', { group, from: '5521977776666', pushName: 'Carlos' }));
    await postEvolution(ch, fx.text('Bom dia!', { group, from: '5531966665555', pushName: 'Ana' }));
    const conv = await conversationWith(admin, group);
    const list = await eventually(async () => {
      const l = await messagesOf(admin, conv.id);
      return l.length === 2 && l;
    });
    expect(list.map((m: any) => m.payload?.sender?.name ?? m.sender?.name).sort()).toEqual(['Ana', 'Carlos']);
    expect(conv.contact.name).not.toBe('Carlos');
  });

  it('an @lid sender is kept as the LID, then takes their number when it appears, in the same conversation', async () => {
    const lid = `${Date.now()}${Math.floor(Math.random() * 10)}@lid`.slice(-20);
    const phone = evolutionNumber();
    await postEvolution(ch, fx.text('Oi, sou novo', { lid }));
    const first = await conversationWith(admin, lid);
    await postEvolution(ch, fx.text('Meu número apareceu', { lid, alt: `${phone}@s.whatsapp.net` }));
    const after = await conversationWith(admin, phone);
    expect(after.id).toBe(first.id);
    expect(after.contact.phone).toBe(`+${phone}`);
    // A later message by LID alone still arrives there.
    const later = fx.text('De novo só o LID', { lid });
    await postEvolution(ch, later);
    expect((await stored(later.data.key.id)).conversationId).toBe(first.id);
  });

  it('history sync (messages.set) imports old chats once, without opening them in the inbox or counting them unread', async () => {
    const from = evolutionNumber();
    const old = [fx.upsert({ conversation: 'Pedido 123 chegou?' }, 'conversation', { from, timestamp: 1764000000 }), fx.upsert({ conversation: 'Chegou sim' }, 'conversation', { from, fromMe: true, timestamp: 1764000100 })];
    await postEvolution(ch, fx.history(old));
    await postEvolution(ch, fx.history(old));
    const row = await stored(old[0]!.key.id);
    await drainQueues();
    const [conv] = await db.select().from(conversations).where(eq(conversations.id, row.conversationId));
    expect(conv).toMatchObject({ status: 'resolved', unreadCount: 0 });
    expect(await db.select().from(messages).where(eq(messages.conversationId, row.conversationId))).toHaveLength(2);
  });
});

describe('sending through Evolution', () => {
  let admin: Session;
  let ch: EvolutionChannel;
  beforeAll(async () => {
    admin = await signupOrg('Floricultura Ipê');
    ch = await connectEvolution(admin, { sendRatePerMinute: 600 });
  });

  it('sends text (no 24-hour window), quoting, and media through sendText/sendMedia; refuses templates; statuses come back', async () => {
    const from = evolutionNumber();
    // Written 3 days ago: Meta would need a template now; WhatsApp Web does not.
    const first = await evolutionWrites(ch, { from, name: 'Lúcia', text: 'Vocês fazem entrega?', timestamp: Math.floor(Date.now() / 1000) - 3 * 86400 });
    const conv = await conversationWith(admin, from);
    const detail = (await api('GET', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken })).body.conversation;
    expect(detail.window).toMatchObject({ open: true, applies: false });
    const [quoted] = await db.select().from(messages).where(eq(messages.providerMessageId, first.id));
    const sent = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin.accessToken, body: { type: 'text', text: 'Fazemos sim!', replyToMessageId: quoted!.id } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const out = await eventually(async () => (await evolutionSent(ch)).find((s) => s.body?.text === 'Fazemos sim!'));
    expect(out.path).toMatch(/^\/message\/sendText/);
    expect(out.body.number).toBe(from);
    expect(out.body.quoted.key.id).toBe(first.id);
    const row = await eventually(async () => {
      const [m] = await db.select().from(messages).where(eq(messages.id, sent.body.message.id));
      return m?.providerMessageId ? m : undefined;
    });
    expect(row.providerMessageId).toBe(out.id);
    await postEvolution(ch, fx.statusUpdate(out.id, 'DELIVERY_ACK', { remoteJid: `${from}@s.whatsapp.net` }));
    await eventually(async () => (await db.select().from(messages).where(eq(messages.id, row.id)))[0]?.status === 'delivered');
    // An uploaded file goes as base64 through sendMedia, with its caption and name.
    const pdf = new TextEncoder().encode('%PDF-1.4 orçamento');
    const up = await api('POST', `/api/v1/conversations/${conv.id}/media?filename=${encodeURIComponent('Orçamento.pdf')}`, {
      token: admin.accessToken,
      rawBody: pdf as unknown as string,
      headers: { 'content-type': 'application/pdf' },
    });
    expect(up.status).toBe(201);
    const doc = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin.accessToken, body: { type: 'document', media: { key: up.body.key, filename: 'Orçamento.pdf' }, caption: 'Segue o orçamento' } });
    expect(doc.status).toBe(202);
    const media = await eventually(async () => (await evolutionSent(ch)).find((s) => s.path.startsWith('/message/sendMedia')));
    expect(media.body).toMatchObject({ number: from, mediatype: 'document', mimetype: 'application/pdf', fileName: 'Orçamento.pdf', caption: 'Segue o orçamento' });
    expect(atob(media.body.media)).toBe(String.fromCharCode(...pdf));
    const template = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin.accessToken, body: { type: 'template', template: { name: 'x', language: 'pt_BR' } } });
    expect(template.status).toBe(422);
    expect(template.body.error.code).toBe('templates_unsupported');
  });

  it('the echo of our own send, arriving before its id is recorded, is not stored twice', async () => {
    const from = evolutionNumber();
    await evolutionWrites(ch, { from, text: 'Oi' });
    const conv = await conversationWith(admin, from);
    const sent = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin.accessToken, body: { type: 'text', text: 'Eco?' } });
    expect(sent.status).toBe(202);
    const out = await eventually(async () => (await evolutionSent(ch)).find((s) => s.body?.text === 'Eco?'));
    // Evolution's messages.upsert (fromMe) for our own send.
    await postEvolution(ch, fx.text('Eco?', { from, fromMe: true, id: out.id }));
    await drainQueues();
    // Bodies are sealed at rest (issue 21 §4): compared opened.
    const rows = await openMessageBodies(contentCrypto(db, env.ENCRYPTION_MASTER_KEYS, admin.orgId), await db.select().from(messages).where(eq(messages.conversationId, conv.id)));
    expect(rows.filter((m) => m.body === 'Eco?')).toHaveLength(1);
    expect(rows.find((m) => m.body === 'Eco?')).toMatchObject({ id: sent.body.message.id, providerMessageId: out.id });
  });

  it('reactions go through sendReaction, read receipts through markMessageAsRead', async () => {
    const from = evolutionNumber();
    const written = await evolutionWrites(ch, { from, text: 'Obrigada!' });
    const conv = await conversationWith(admin, from);
    const [m] = await db.select().from(messages).where(eq(messages.providerMessageId, written.id));
    const reacted = await api('POST', `/api/v1/conversations/${conv.id}/messages/${m!.id}/reactions`, { token: admin.accessToken, body: { emoji: '🙏' } });
    expect(reacted.status, JSON.stringify(reacted.body)).toBeLessThan(300);
    const out = await eventually(async () => (await evolutionSent(ch)).find((s) => s.path.startsWith('/message/sendReaction')));
    expect(out.body).toMatchObject({ key: { id: written.id, fromMe: false, remoteJid: `${from}@s.whatsapp.net` }, reaction: '🙏' });
    expect((await api('POST', `/api/v1/conversations/${conv.id}/read`, { token: admin.accessToken })).status).toBeLessThan(300);
    await eventually(async () => JSON.stringify((await fakeEvolution('GET', '/read')).body).includes(written.id));
  });

  it('a number that is not on WhatsApp fails the message with a clear reason', async () => {
    const from = `55119999${evolutionNumber().slice(-5)}`;
    await postEvolution(ch, fx.text('Oi', { from }));
    const conv = await conversationWith(admin, from);
    const sent = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin.accessToken, body: { type: 'text', text: 'Olá' } });
    const failed = await eventually(async () => {
      const [row] = await db.select().from(messages).where(eq(messages.id, sent.body.message.id));
      return row?.status === 'failed' && row;
    });
    expect(failed.errorDetail).toContain('não tem WhatsApp');
  });
});
