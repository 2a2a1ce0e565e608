// Scheduled messages (issue 17, part 6): scheduled, edited or cancelled while waiting, sent once at their time by the
// cron — the text while the 24-hour window is open, the template when it is closed — even when two runs race or an
// isolate died half-way.
import { env } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { connectEvolution } from '../../test/evolution';
import { connect } from '../../test/realtime';
import { connectChannel, conversationOf, customerNumber, eventually, fake, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';
import type { Actor } from '../auth/actor';
import { auditLogs, conversations, messages, scheduledMessages } from '../db/schema';
import { asSystem, withOrg } from '../db/tx';
import { claimDue, scheduledClientId } from '../domain/scheduled-messages';
import { storeOutgoing } from '../domain/send';
import { sealingCrypto } from '../domain/sealing-crypto';
import { contentCrypto, openMessageBodies } from '../domain/content-crypto';
import { sendScheduledMessages } from '../jobs/scheduled-messages';
import { createLogger } from '../lib/log';

const { db, pool } = testDb();
const log = createLogger({}, 'silent');
const MIN = 60_000;
const inMinutes = (m: number, from = Date.now()) => new Date(from + m * MIN);

describe('scheduled messages', () => {
  let admin: Session;
  let ch: TestChannel;
  beforeAll(async () => {
    admin = await signupOrg('Agenda');
    ch = await connectChannel(admin);
  });
  afterAll(() => pool.end());

  /** A customer wrote (the fake Meta knows it too, so its window matches ours). */
  async function customerWrote(offsetSeconds = 0) {
    const from = customerNumber();
    const o = { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds(offsetSeconds) };
    await postWebhook(fx.textMessage('Oi, me chama amanhã?', o));
    await fake('POST', '/window', { phoneNumberId: ch.phoneNumberId, waId: from, lastInboundAt: new Date(Date.now() + offsetSeconds * 1000).toISOString() });
    return { from, conv: await conversationOf(admin, from) };
  }
  const schedule = (convId: string, body: unknown, s = admin) => api('POST', `/api/v1/conversations/${convId}/scheduled-messages`, { token: s.accessToken, body });
  const patch = (id: string, body: unknown, s = admin) => api('PATCH', `/api/v1/scheduled-messages/${id}`, { token: s.accessToken, body });
  const cancel = (id: string, s = admin) => api('DELETE', `/api/v1/scheduled-messages/${id}`, { token: s.accessToken });
  const list = async (convId: string, s = admin) => (await api('GET', `/api/v1/conversations/${convId}/scheduled-messages`, { token: s.accessToken })).body.data as any[];
  const rowOf = async (id: string) => (await db.select().from(scheduledMessages).where(eq(scheduledMessages.id, id)))[0]!;
  /** The message a scheduled one became: stored sealed (issue 21 §4), returned opened. */
  const messagesFor = async (id: string) => {
    const rows = await db.select().from(messages).where(eq(messages.clientId, scheduledClientId(id)));
    for (const m of rows) if (m.body) expect(m.body).toMatch(/^enc:v1:/);
    return openMessageBodies(contentCrypto(db, env.ENCRYPTION_MASTER_KEYS, admin.orgId), rows);
  };

  it('schedules a message for later, lists it, and refuses bad times and input with 4xx', async () => {
    const { conv } = await customerWrote();
    const room = await connect(admin, `/api/v1/conversations/${conv.id}/ws`);
    const sendAt = inMinutes(2 * 24 * 60).toISOString();
    const res = await schedule(conv.id, { text: 'Bom dia! Seu pedido chegou?', sendAt });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.scheduled).toMatchObject({ conversationId: conv.id, body: 'Bom dia! Seu pedido chegou?', status: 'scheduled', template: null, createdBy: admin.userId });
    expect(new Date(res.body.scheduled.sendAt).toISOString()).toBe(sendAt);
    // Open chats hear of it.
    await room.next('scheduled.updated', (e) => (e.data as { conversationId: string }).conversationId === conv.id);
    room.close();
    expect((await list(conv.id)).map((s) => s.id)).toEqual([res.body.scheduled.id]);
    const [audit] = await db.select().from(auditLogs).where(and(eq(auditLogs.action, 'message.scheduled'), eq(auditLogs.targetId, res.body.scheduled.id)));
    expect(audit).toMatchObject({ actorUserId: admin.userId, organizationId: admin.orgId });

    const past = await schedule(conv.id, { text: 'Ontem', sendAt: inMinutes(-1).toISOString() });
    expect(past.status).toBe(422);
    expect(past.body.error.code).toBe('send_at_in_past');
    const far = await schedule(conv.id, { text: 'Daqui a um ano', sendAt: inMinutes(91 * 24 * 60).toISOString() });
    expect(far.status).toBe(422);
    expect(far.body.error.code).toBe('send_at_too_far');
    for (const bad of [{ text: '', sendAt }, { text: 'Sem data' }, { text: 'Data ruim', sendAt: 'amanhã' }, { text: 'x', sendAt, template: { name: '' } }, 'not json']) {
      const r = await schedule(conv.id, bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    expect(await list(conv.id)).toHaveLength(1);
  });

  it('is for whoever may reply: an agent cannot schedule in a colleague’s conversation', async () => {
    const { conv } = await customerWrote();
    const agent = await addMember(admin.orgId, 'agent');
    const other = await addMember(admin.orgId, 'agent');
    expect((await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken, body: { assigneeId: other.userId } })).status).toBe(200);
    const res = await schedule(conv.id, { text: 'Posso?', sendAt: inMinutes(60).toISOString() }, agent);
    expect(res.status).toBe(403);
    expect((await schedule(conv.id, { text: 'Pode', sendAt: inMinutes(60).toISOString() }, other)).status).toBe(201);
  });

  it('has no template on a number connected by QR code (Evolution: no 24-hour window)', async () => {
    const evo = await connectEvolution(admin);
    const started = await api('POST', '/api/v1/conversations', { token: admin.accessToken, body: { channelId: evo.id, phone: `+${customerNumber()}`, text: 'Olá!' } });
    expect(started.status, JSON.stringify(started.body)).toBeLessThan(300);
    const convId = started.body.conversation.id;
    const res = await schedule(convId, { text: 'Depois', sendAt: inMinutes(60).toISOString(), template: { name: 'retomar', language: 'pt_BR' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('templates_unsupported');
    expect((await schedule(convId, { text: 'Depois', sendAt: inMinutes(60).toISOString() })).status).toBe(201);
  });

  it('is edited or cancelled only while scheduled', async () => {
    const { conv } = await customerWrote();
    const created = (await schedule(conv.id, { text: 'Primeira versão', sendAt: inMinutes(24 * 60).toISOString() })).body.scheduled;
    const later = inMinutes(25 * 60).toISOString();
    const edited = await patch(created.id, { text: 'Segunda versão', sendAt: later });
    expect(edited.status).toBe(200);
    expect(edited.body.scheduled).toMatchObject({ id: created.id, body: 'Segunda versão', status: 'scheduled' });
    expect(new Date(edited.body.scheduled.sendAt).toISOString()).toBe(later);
    expect((await patch(created.id, {})).status).toBe(400);
    expect((await patch(created.id, { sendAt: inMinutes(-5).toISOString() })).body.error.code).toBe('send_at_in_past');

    const cancelled = await cancel(created.id);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.scheduled.status).toBe('cancelled');
    expect(await list(conv.id)).toHaveLength(0);
    for (const again of [await patch(created.id, { text: 'Tarde demais' }), await cancel(created.id)]) {
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('not_scheduled');
    }
    expect((await rowOf(created.id)).body).toBe('Segunda versão');

    // Sent: too late as well.
    const due = (await schedule(conv.id, { text: 'Já foi', sendAt: inMinutes(2).toISOString() })).body.scheduled;
    await sendScheduledMessages(env, db, log, inMinutes(3));
    expect((await rowOf(due.id)).status).toBe('sent');
    expect((await patch(due.id, { text: 'Mudei' })).status).toBe(409);
    expect((await cancel(due.id)).status).toBe(409);
  });

  it('answers 404 for another tenant’s scheduled message (and audits the attempt)', async () => {
    const { conv } = await customerWrote();
    const created = (await schedule(conv.id, { text: 'Só nosso', sendAt: inMinutes(24 * 60).toISOString() })).body.scheduled;
    const intruder = await signupOrg('Intrusa');
    for (const res of [await patch(created.id, { text: 'Roubado' }, intruder), await cancel(created.id, intruder)]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await api('GET', `/api/v1/conversations/${conv.id}/scheduled-messages`, { token: intruder.accessToken })).status).toBe(404);
    expect((await schedule(conv.id, { text: 'Invasão', sendAt: inMinutes(60).toISOString() }, intruder)).status).toBe(404);
    expect(await rowOf(created.id)).toMatchObject({ body: 'Só nosso', status: 'scheduled' });
    const attempts = await db.select().from(auditLogs).where(and(eq(auditLogs.action, 'security.cross_tenant_attempt'), eq(auditLogs.targetId, created.id)));
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    await cancel(created.id);
  });

  it('is sent once at its time, as its author, even when two cron runs race', async () => {
    const { from, conv } = await customerWrote();
    const sendAt = inMinutes(2);
    const created = (await schedule(conv.id, { text: 'Lembrete: sua consulta é amanhã', sendAt: sendAt.toISOString() })).body.scheduled;

    // A minute early: nothing.
    await sendScheduledMessages(env, db, log, inMinutes(-1, sendAt.getTime()));
    expect((await rowOf(created.id)).status).toBe('scheduled');

    const at = inMinutes(1, sendAt.getTime());
    await Promise.all([sendScheduledMessages(env, db, log, at), sendScheduledMessages(env, db, log, at)]);
    const row = await rowOf(created.id);
    expect(row.status).toBe('sent');
    const stored = await messagesFor(created.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ id: row.messageId, kind: 'text', body: 'Lembrete: sua consulta é amanhã', senderUserId: admin.userId, direction: 'outbound' });
    // Through the normal outbound path: the customer gets it once, and the wamid comes back.
    await eventually(async () => (await db.select().from(messages).where(eq(messages.id, row.messageId!)))[0]?.providerMessageId);
    const atMeta = (await fake('GET', `/sent?to=${from}`)).body.data;
    expect(atMeta.filter((m: any) => m.request.text?.body === 'Lembrete: sua consulta é amanhã')).toHaveLength(1);
    const [audit] = await db.select().from(auditLogs).where(and(eq(auditLogs.action, 'message.scheduled_sent'), eq(auditLogs.targetId, row.messageId!)));
    expect(audit).toMatchObject({ organizationId: admin.orgId, actorType: 'system', actorUserId: admin.userId });
    expect(await list(conv.id)).toHaveLength(0);
    // A third run finds nothing to do for it.
    await sendScheduledMessages(env, db, log, inMinutes(10, sendAt.getTime()));
    expect(await messagesFor(created.id)).toHaveLength(1);
  });

  it('sends the template when the 24-hour window has closed by then, and fails clearly without one', async () => {
    await fake('POST', '/templates', {
      wabaId: ch.wabaId,
      name: 'lembrete_agendado',
      language: 'pt_BR',
      components: [{ type: 'BODY', text: 'Olá {{1}}, passando para lembrar do seu pedido.' }],
    });
    expect((await api('POST', `/api/v1/channels/${ch.id}/templates/sync`, { token: admin.accessToken })).status).toBeLessThan(300);
    const { from, conv } = await customerWrote(-23 * 3600);
    const template = { name: 'lembrete_agendado', language: 'pt_BR', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }] };
    // Scheduled while the window is open; at its time (2 h later) it is closed.
    const withTemplate = (await schedule(conv.id, { text: 'Texto livre', sendAt: inMinutes(120).toISOString(), template })).body.scheduled;
    const without = (await schedule(conv.id, { text: 'Só texto', sendAt: inMinutes(121).toISOString() })).body.scheduled;
    await sendScheduledMessages(env, db, log, inMinutes(125));

    const sent = await rowOf(withTemplate.id);
    expect(sent.status).toBe('sent');
    const [message] = await messagesFor(withTemplate.id);
    expect(message).toMatchObject({ kind: 'template', body: 'Olá Ana, passando para lembrar do seu pedido.' });
    await eventually(async () => (await fake('GET', `/sent?to=${from}`)).body.data.some((m: any) => m.request.type === 'template' && m.request.template.name === 'lembrete_agendado'));

    expect(await rowOf(without.id)).toMatchObject({ status: 'failed', error: 'window_closed', messageId: null });
    expect(await messagesFor(without.id)).toHaveLength(0);
    expect((await list(conv.id)).map((s) => [s.id, s.status])).toEqual([[without.id, 'failed']]);
    // A failed one is dismissed from the chat.
    expect((await cancel(without.id)).status).toBe(200);
    expect(await list(conv.id)).toHaveLength(0);
  });

  it('takes a row stuck in sending (its isolate died after storing the message) again, without a second message', async () => {
    const { from, conv } = await customerWrote();
    const sendAt = inMinutes(2);
    const created = (await schedule(conv.id, { text: 'Depois da queda', sendAt: sendAt.toISOString() })).body.scheduled;
    const claimedAt = inMinutes(1, sendAt.getTime());
    // An isolate claims it, stores the message, and dies before marking the row sent or enqueueing the send.
    const claimed = await asSystem(db, (tx) => claimDue(tx, claimedAt, 100));
    expect(claimed.map((r) => r.id)).toContain(created.id);
    const actor: Actor = { userId: admin.userId, orgId: admin.orgId, role: 'tenant_admin', isSuperAdmin: false, viaSuperAdmin: false, sessionId: 'test', ip: '', userAgent: null };
    const [conversation] = await db.select().from(conversations).where(eq(conversations.id, conv.id));
    // Stored as the job stores it (it passes no content crypto to sendScheduled yet: plaintext).
    const crypto = await sealingCrypto(db, env.ENCRYPTION_MASTER_KEYS, actor.orgId);
    const first = await withOrg(db, actor.orgId, (tx) => storeOutgoing(tx, crypto, actor, conversation!, { type: 'text', text: 'Depois da queda' }, scheduledClientId(created.id), { automatic: true }));

    // Still claimed a minute later: left alone.
    await sendScheduledMessages(env, db, log, inMinutes(1, claimedAt.getTime()));
    expect((await rowOf(created.id)).status).toBe('sending');
    // Stale after five minutes: taken again, and it becomes the message already stored.
    await sendScheduledMessages(env, db, log, inMinutes(6, claimedAt.getTime()));
    expect(await rowOf(created.id)).toMatchObject({ status: 'sent', messageId: first.message.id });
    expect(await messagesFor(created.id)).toHaveLength(1);
    await eventually(async () => (await db.select().from(messages).where(eq(messages.id, first.message.id)))[0]?.providerMessageId);
    expect((await fake('GET', `/sent?to=${from}`)).body.data.filter((m: any) => m.request.text?.body === 'Depois da queda')).toHaveLength(1);
  });
});
