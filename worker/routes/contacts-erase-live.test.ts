// An erased conversation closes live: agents with the chat open get `conversation.erased` and the socket closes
// (4004 "erased"); the room's stored history (message texts, for reconnect replay) is gone, and the inbox's history
// no longer names the contact. Retention's hard delete does the same, and unsent uploads do not outlive a day.
import { env, runInDurableObject } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { connect, upgrade, ticket } from '../../test/realtime';
import { connectChannel, conversationOf, customerNumber, eventually, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';
import { conversations, messages } from '../db/schema';
import { runRetention } from '../jobs/retention';
import { sweepUnattachedUploads } from '../jobs/unattached-uploads';
import { createLogger } from '../lib/log';

const { db } = testDb();
const DAY = 86_400_000;
const call = (s: Session, method: string, path: string, body?: unknown) => api(method, path, { token: s.accessToken, body });

async function customerWrites(admin: Session, ch: TestChannel, text: string, name: string) {
  const from = customerNumber();
  expect((await postWebhook(fx.textMessage(text, { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, name, timestamp: nowSeconds() }))).status).toBe(200);
  return { from, conv: (await conversationOf(admin, from)) as { id: string; contact: { id: string } } };
}

/** What the room keeps after erasure: no history, nothing naming the conversation's people (watch bookkeeping may follow the closes). */
async function erasedRoom(orgId: string, conversationId: string, ...needles: string[]) {
  const entries = await stored(orgId, `${orgId}:${conversationId}`);
  expect(entries.filter(([k]) => k.startsWith('ev:') || k === 'seq')).toEqual([]);
  for (const n of needles) expect(JSON.stringify(entries)).not.toContain(n);
}

const stored = (orgId: string, name: string, inbox = false) => {
  const ns = inbox ? env.ORG_INBOX : env.CONVERSATION_ROOM;
  return runInDurableObject(ns.get(ns.idFromName(name)) as DurableObjectStub, async (_o, state) => [...(await state.storage.list())]);
};

async function upload(s: Session, conversationId: string, body: string): Promise<string> {
  const res = await api('POST', `/api/v1/conversations/${conversationId}/media?filename=nota.pdf`, { token: s.accessToken, rawBody: body, headers: { 'content-type': 'application/pdf' } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.key;
}

describe('an erased conversation closes live', () => {
  it('tells open chats, closes them and empties the room; the inbox history forgets the contact', async () => {
    const admin = await signupOrg('Apagamento ao Vivo');
    const manager = await addMember(admin.orgId, 'manager');
    const ch = await connectChannel(admin);
    const text = `sigilo-${crypto.randomUUID().slice(0, 8)}`;
    const name = `Ofélia Zanzibar${crypto.randomUUID().slice(0, 6)}`;
    const { from, conv } = await customerWrites(admin, ch, `Oi ${text}`, name);
    const chats = [await connect(admin, `/api/v1/conversations/${conv.id}/ws`), await connect(manager, `/api/v1/conversations/${conv.id}/ws`)];
    const inbox = await connect(admin, '/api/v1/inbox/ws');
    // A second message while the chats are open: the room keeps it in its history for replay.
    expect((await postWebhook(fx.textMessage(`De novo ${text}`, { phoneNumberId: ch.phoneNumberId, from, name, timestamp: nowSeconds() }))).status).toBe(200);
    for (const chat of chats) await chat.next('message.created', (e) => JSON.stringify(e.data).includes(`De novo ${text}`));
    expect(JSON.stringify(await stored(admin.orgId, `${admin.orgId}:${conv.id}`))).toContain(text);
    expect(JSON.stringify(await stored(admin.orgId, admin.orgId, true))).toContain(name);

    expect((await call(admin, 'DELETE', `/api/v1/contacts/${conv.contact.id}`)).status).toBe(200);

    for (const chat of chats) {
      const erased = await chat.next('conversation.erased');
      expect(erased.data).toEqual({ id: conv.id });
      await eventually(async () => chat.closed);
      expect(chat.closed).toEqual({ code: 4004, reason: 'erased' });
    }
    await inbox.next('conversation.hidden', (e) => (e.data as { id: string }).id === conv.id);
    await erasedRoom(admin.orgId, conv.id, text, name);
    const inboxHistory = JSON.stringify(await stored(admin.orgId, admin.orgId, true));
    for (const needle of [text, name]) expect(inboxHistory).not.toContain(needle);
    // Reopening the chat is refused: the conversation is gone.
    const again = await upgrade(`/api/v1/conversations/${conv.id}/ws?ticket=${encodeURIComponent(await ticket(admin))}`);
    expect(again.status).toBe(404);
    inbox.close();
  });

  it('does the same when retention purges a conversation, with its uploads never sent', async () => {
    const admin = await signupOrg('Retenção ao Vivo');
    expect((await call(admin, 'PATCH', '/api/v1/organization', { retentionDays: 30, graceDays: 30, retentionEnabled: true })).status).toBe(200);
    const ch = await connectChannel(admin);
    const { conv } = await customerWrites(admin, ch, 'Mensagem antiga', 'Cliente Antigo');
    const key = await upload(admin, conv.id, '%PDF-1.4 rascunho');
    const chat = await connect(admin, `/api/v1/conversations/${conv.id}/ws`);
    await db.update(conversations).set({ deletedAt: new Date(Date.now() - 31 * DAY) }).where(eq(conversations.id, conv.id));

    const results = await runRetention(env, db, createLogger({}, 'error'));
    expect(results.find((r) => r.organizationId === admin.orgId)).toMatchObject({ hardDeleted: 1 });
    expect((await chat.next('conversation.erased')).data).toEqual({ id: conv.id });
    await eventually(async () => chat.closed);
    expect(chat.closed?.code).toBe(4004);
    expect(await env.MEDIA.head(key)).toBeNull();
    await erasedRoom(admin.orgId, conv.id, 'Mensagem antiga');
  });

  it('sweeps uploads never sent once a day old; sent ones and fresh ones stay', async () => {
    const admin = await signupOrg('Anexos Esquecidos');
    const ch = await connectChannel(admin);
    const { conv } = await customerWrites(admin, ch, 'Oi', 'Cliente Anexo');
    const [forgotten, sent] = [await upload(admin, conv.id, '%PDF-1.4 a'), await upload(admin, conv.id, '%PDF-1.4 b')];
    const [message] = await db.select({ id: messages.id }).from(messages).where(eq(messages.conversationId, conv.id));
    await db.update(messages).set({ mediaKey: sent, mediaStatus: 'stored' }).where(eq(messages.id, message!.id));

    // Now: both are fresh.
    await sweepUnattachedUploads(env, db);
    expect(await env.MEDIA.head(forgotten)).not.toBeNull();
    // A day and an hour later: the one never sent goes.
    const { deleted } = await sweepUnattachedUploads(env, db, new Date(Date.now() + 25 * 3_600_000));
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await env.MEDIA.head(forgotten)).toBeNull();
    expect(await env.MEDIA.head(sent)).not.toBeNull();
  });
});
