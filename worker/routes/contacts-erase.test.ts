// LGPD erasure of a contact (DELETE /api/v1/contacts/:id): every row and media object of the contact goes for
// good, deals stay without the contact, legal holds refuse it, only admins may, other tenants get 404, open
// inboxes drop the conversations, and the same number writing again starts from nothing.
import { env } from 'cloudflare:test';
import { and, count, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { connect } from '../../test/realtime';
import { connectChannel, customerNumber, eventually, messagesOf, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';
import {
  auditLogs,
  contactLabels,
  contactNotes,
  contacts,
  conversationLabels,
  conversations,
  deals,
  messageReactions,
  messages,
} from '../db/schema';

const { db } = testDb();
const call = (s: Session, method: string, path: string, body?: unknown) => api(method, path, { token: s.accessToken, body });

async function customerWrites(admin: Session, ch: TestChannel, from: string, text: string, name = 'Maria Sigilosa') {
  const res = await postWebhook(
    fx.textMessage(text, { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, name, timestamp: nowSeconds() }),
  );
  expect(res.status).toBe(200);
  return eventually(async () => {
    const list = await call(admin, 'GET', '/api/v1/conversations?limit=100');
    return list.body.data.find((c: any) => c.contact.waId === from && c.lastMessagePreview === text) as { id: string; contact: { id: string } } | undefined;
  });
}

/** Rows left of everything an erasure must remove, per table. */
async function leftovers(contactId: string, conversationIds: string[], messageIds: string[]) {
  const n = async (q: Promise<{ n: number }[]>) => (await q)[0]!.n;
  return {
    contacts: await n(db.select({ n: count() }).from(contacts).where(eq(contacts.id, contactId))),
    conversations: await n(db.select({ n: count() }).from(conversations).where(inArray(conversations.id, conversationIds))),
    messages: await n(db.select({ n: count() }).from(messages).where(inArray(messages.conversationId, conversationIds))),
    reactions: await n(db.select({ n: count() }).from(messageReactions).where(inArray(messageReactions.messageId, messageIds))),
    notes: await n(db.select({ n: count() }).from(contactNotes).where(eq(contactNotes.contactId, contactId))),
    contactLabels: await n(db.select({ n: count() }).from(contactLabels).where(eq(contactLabels.contactId, contactId))),
    conversationLabels: await n(db.select({ n: count() }).from(conversationLabels).where(inArray(conversationLabels.conversationId, conversationIds))),
  };
}

/** A contact with two conversations (two channels), messages, a reaction, a note, labels, media in R2 and a deal. */
async function richContact(admin: Session) {
  const [ch1, ch2] = [await connectChannel(admin), await connectChannel(admin)];
  const from = customerNumber();
  const first = await customerWrites(admin, ch1, from, 'Oi, meu CPF é 123.456.789-00');
  await customerWrites(admin, ch1, from, 'Segue a foto do documento');
  const second = await customerWrites(admin, ch2, from, 'Outro canal');
  expect(second.contact.id).toBe(first.contact.id);
  const contactId = first.contact.id;
  const conversationIds = [first.id, second.id];

  const msgs = await messagesOf(admin, first.id);
  const keys = [`media/${admin.orgId}/erase-${crypto.randomUUID()}`, `media/${admin.orgId}/erase-${crypto.randomUUID()}`];
  for (const key of keys) await env.MEDIA.put(key, 'documento');
  await db.update(messages).set({ mediaKey: keys[0], mediaStatus: 'stored' }).where(eq(messages.id, msgs[0].id));
  await db.update(messages).set({ mediaKey: keys[1], mediaStatus: 'stored' }).where(eq(messages.id, msgs[1].id));
  expect((await call(admin, 'POST', `/api/v1/conversations/${first.id}/messages/${msgs[0].id}/reactions`, { emoji: '👍' })).status).toBe(202);
  expect((await call(admin, 'POST', `/api/v1/contacts/${contactId}/notes`, { body: 'Cliente pediu sigilo' })).status).toBe(201);
  const label = (await call(admin, 'POST', '/api/v1/labels', { name: `VIP ${crypto.randomUUID().slice(0, 6)}` })).body.label;
  expect((await call(admin, 'POST', `/api/v1/contacts/${contactId}/labels`, { labelIds: [label.id] })).status).toBe(200);
  expect((await call(admin, 'POST', `/api/v1/conversations/${first.id}/labels`, { labelIds: [label.id] })).status).toBe(200);
  const deal = await call(admin, 'POST', '/api/v1/deals', { title: 'Pedido da Maria', contactId, conversationId: first.id, valueCents: 15_000 });
  expect(deal.status, JSON.stringify(deal.body)).toBe(201);

  // Four messages: three written, and the conversation label's event in the timeline.
  const messageIds = (await db.select({ id: messages.id }).from(messages).where(inArray(messages.conversationId, conversationIds))).map((m) => m.id);
  return { from, ch1, contactId, conversationIds, messageIds, keys, dealId: deal.body.deal.id as string, labelId: label.id as string };
}

describe('erasing a contact (LGPD)', () => {
  it('deletes the contact, its conversations, messages, reactions, notes, label links and media; keeps the deal without it or its name', async () => {
    const admin = await signupOrg('Apagamento');
    const rich = await richContact(admin);
    const bystander = (await call(admin, 'POST', '/api/v1/contacts', { name: 'Outra Pessoa', phone: '+55 11 95555-0199' })).body.contact;
    const before = await leftovers(rich.contactId, rich.conversationIds, rich.messageIds);
    expect(before).toEqual({ contacts: 1, conversations: 2, messages: 4, reactions: 1, notes: 1, contactLabels: 1, conversationLabels: 1 });
    const inbox = await connect(admin, '/api/v1/inbox/ws');

    const res = await call(admin, 'DELETE', `/api/v1/contacts/${rich.contactId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ erased: { conversations: 2, messages: 4, media: 2 } });

    expect(await leftovers(rich.contactId, rich.conversationIds, rich.messageIds)).toEqual({
      contacts: 0, conversations: 0, messages: 0, reactions: 0, notes: 0, contactLabels: 0, conversationLabels: 0,
    });
    for (const key of rich.keys) expect(await env.MEDIA.head(key)).toBeNull();
    const [deal] = await db.select().from(deals).where(eq(deals.id, rich.dealId));
    expect(deal).toMatchObject({ title: 'Pedido da [apagado]', contactId: null, conversationId: null, valueCents: 15_000 });
    // The label itself and other contacts are not the customer's data.
    expect((await call(admin, 'GET', '/api/v1/labels')).body.data.map((l: { id: string }) => l.id)).toContain(rich.labelId);
    expect((await call(admin, 'GET', `/api/v1/contacts/${bystander.id}`)).status).toBe(200);

    // Open inboxes drop both conversations.
    for (const id of rich.conversationIds) await inbox.next('conversation.hidden', (e) => (e.data as { id: string }).id === id);
    // Deal boards get the deal without the contact's name.
    const update = await inbox.next('deal.updated', (e) => (e.data as { deal: { id: string } }).deal.id === rich.dealId);
    expect((update.data as { deal: { contact: unknown; title: string } }).deal).toMatchObject({ contact: null, title: 'Pedido da [apagado]' });
    inbox.close();
    expect((await call(admin, 'GET', `/api/v1/contacts/${rich.contactId}`)).status).toBe(404);
    expect((await call(admin, 'GET', `/api/v1/conversations/${rich.conversationIds[0]}`)).status).toBe(404);
    expect((await call(admin, 'DELETE', `/api/v1/contacts/${rich.contactId}`)).status).toBe(404);

    // Audited with counts and nothing personal.
    const [entry] = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.organizationId, admin.orgId), eq(auditLogs.action, 'contact.erased')));
    expect(entry).toMatchObject({ actorUserId: admin.userId, targetType: 'contact', targetId: rich.contactId, metadata: { conversations: 2, messages: 4, media: 2 } });
    expect(entry!.metadata).toMatchObject({ deals: 1, deadLetters: 0, unattachedUploads: 0, rawWebhookBodies: 0 });
    const text = JSON.stringify(entry);
    for (const personal of ['Maria', rich.from, 'CPF']) expect(text).not.toContain(personal);
  });

  it('starts over when the same number writes again or is imported: nothing comes back', async () => {
    const admin = await signupOrg('Apagamento Novo');
    const rich = await richContact(admin);
    expect((await call(admin, 'DELETE', `/api/v1/contacts/${rich.contactId}`)).status).toBe(200);

    const again = await customerWrites(admin, rich.ch1, rich.from, 'Voltei', 'Maria Nova');
    expect(again.contact.id).not.toBe(rich.contactId);
    expect(rich.conversationIds).not.toContain(again.id);
    expect((await messagesOf(admin, again.id)).map((m) => m.body)).toEqual(['Voltei']);
    const detail = (await call(admin, 'GET', `/api/v1/contacts/${again.contact.id}`)).body;
    expect(detail.notes).toEqual([]);
    expect(detail.deals).toEqual([]);
    expect(detail.contact.labels).toEqual([]);
    expect(detail.conversations.map((c: { id: string }) => c.id)).toEqual([again.id]);

    // A CSV with an erased number creates a fresh contact too.
    const other = await call(admin, 'POST', '/api/v1/contacts', { name: 'Importada', phone: '+55 11 95555-0200' });
    expect((await call(admin, 'DELETE', `/api/v1/contacts/${other.body.contact.id}`)).body).toEqual({ erased: { conversations: 0, messages: 0, media: 0 } });
    const imported = await api('POST', '/api/v1/contacts/import', {
      token: admin.accessToken,
      rawBody: 'nome,telefone\nImportada de Novo,11 95555-0200',
      headers: { 'content-type': 'text/csv' },
    });
    expect(imported.body).toMatchObject({ rows: 1, created: 1, updated: 0 });
    const found = (await call(admin, 'GET', '/api/v1/contacts?q=11955550200')).body.data;
    expect(found).toHaveLength(1);
    expect(found[0].id).not.toBe(other.body.contact.id);
    expect(found[0].name).toBe('Importada de Novo');
  });

  it('refuses a contact with a conversation under legal hold (409) and deletes nothing', async () => {
    const admin = await signupOrg('Apagamento Retido');
    const rich = await richContact(admin);
    await db.update(conversations).set({ legalHold: true }).where(eq(conversations.id, rich.conversationIds[1]!));
    const res = await call(admin, 'DELETE', `/api/v1/contacts/${rich.contactId}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('legal_hold');
    expect(await leftovers(rich.contactId, rich.conversationIds, rich.messageIds)).toEqual({
      contacts: 1, conversations: 2, messages: 4, reactions: 1, notes: 1, contactLabels: 1, conversationLabels: 1,
    });
    for (const key of rich.keys) expect(await env.MEDIA.head(key)).not.toBeNull();
    expect((await db.select().from(deals).where(eq(deals.id, rich.dealId)))[0]!.contactId).toBe(rich.contactId);
    const audited = await db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, admin.orgId), eq(auditLogs.action, 'contact.erased')));
    expect(audited).toEqual([]);
  });

  it('is for tenant admins only; another organisation’s id is a 404, audited', async () => {
    const admin = await signupOrg('Apagamento Papéis');
    const contact = (await call(admin, 'POST', '/api/v1/contacts', { name: 'Protegida', phone: '+55 11 95555-0300' })).body.contact;
    for (const role of ['manager', 'agent'] as const) {
      const member = await addMember(admin.orgId, role);
      const res = await call(member, 'DELETE', `/api/v1/contacts/${contact.id}`);
      expect(res.status, role).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const intruder = await signupOrg('Apagamento Intrusa');
    const res = await call(intruder, 'DELETE', `/api/v1/contacts/${contact.id}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    const log = await call(intruder, 'GET', '/api/v1/audit-logs?action=security.cross_tenant_attempt');
    expect(log.body.data).toHaveLength(1);
    expect(log.body.data[0]).toMatchObject({ targetType: 'contact', targetId: contact.id });
    expect((await call(admin, 'GET', `/api/v1/contacts/${contact.id}`)).status).toBe(200);
    expect((await call(admin, 'DELETE', '/api/v1/contacts/not-a-uuid')).status).toBe(400);
    expect((await call(admin, 'DELETE', `/api/v1/contacts/${crypto.randomUUID()}`)).status).toBe(404);
  });
});
