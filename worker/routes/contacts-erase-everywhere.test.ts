// LGPD erasure reaches every copy: one contact with a distinctive number, name and message text is seeded into
// every place Conversa keeps data (rows, notes, attributes, media, uploads never sent, deals, audit snapshots of a
// merge, dead letters in the table and parked in R2, raw webhook bodies, unroutable events, pending statuses,
// outgoing webhook deliveries, realtime history); after DELETE /api/v1/contacts/:id the WHOLE database (every
// table of the public schema, each row as text) and EVERY R2 object (key, metadata and body) are searched, and
// none may still hold them. A new table or prefix that keeps the data makes this test fail.
import { env, runInDurableObject } from 'cloudflare:test';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { PARKED_PREFIX, storeDeadLetters } from '../../queues/dead-letter';
import { QUEUE_NAMES } from '../../queues/messages';
import * as fx from '../../queues/meta/fixtures';
import { drainQueues } from '../../test/drain';
import { api, testDb, type Session, signupOrg } from '../../test/harness';
import { sinkName, sinkUrl } from '../../test/webhook-sink';
import { connectChannel, customerNumber, eventually, messagesOf, nowSeconds, postWebhook } from '../../test/whatsapp';
import { auditLogs, contactNotes, deals, pendingStatuses, unroutableEvents, webhookDeliveries } from '../db/schema';
import { RAW_PREFIX } from '../jobs/raw-webhooks';

const { db } = testDb();
const call = (s: Session, method: string, path: string, body?: unknown) => api(method, path, { token: s.accessToken, body });
const tag = () => crypto.randomUUID().replace(/-/g, '').slice(0, 10);

/** Tables of the public schema, and in each how many rows (the whole row as text) contain the needle. */
async function databaseHits(needle: string): Promise<Record<string, number>> {
  const tables = await db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  expect(tables.rows.length).toBeGreaterThan(30);
  const hits: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const res = await db.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier('public')}.${sql.identifier(table_name)} x where strpos(x::text, ${needle}) > 0`);
    if (res.rows[0]!.n > 0) hits[table_name] = res.rows[0]!.n;
  }
  return hits;
}

/** Every R2 object whose key, metadata or body contains the needle. */
async function bucketHits(needle: string): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.MEDIA.list({ cursor, include: ['customMetadata', 'httpMetadata'] });
    for (const o of page.objects) {
      const body = await env.MEDIA.get(o.key);
      const text = `${o.key} ${JSON.stringify(o.customMetadata ?? {})} ${JSON.stringify(o.httpMetadata ?? {})} ${body ? await body.text() : ''}`;
      if (text.includes(needle)) found.push(o.key);
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return found;
}

async function durableHits(needles: string[], orgId: string, conversationIds: string[]): Promise<string[]> {
  const found: string[] = [];
  const rooms = [
    { name: 'inbox', stub: env.ORG_INBOX.get(env.ORG_INBOX.idFromName(orgId)) },
    ...conversationIds.map((id) => ({ name: id, stub: env.CONVERSATION_ROOM.get(env.CONVERSATION_ROOM.idFromName(`${orgId}:${id}`)) })),
  ];
  for (const room of rooms) {
    const text = await runInDurableObject(room.stub as DurableObjectStub, async (_o, state) => JSON.stringify([...(await state.storage.list())]));
    for (const n of needles) if (text.includes(n)) found.push(`${room.name}: ${n}`);
  }
  return found;
}

describe('erasing a contact reaches every copy (LGPD)', () => {
  it('leaves their number, name and words nowhere in the database, R2 or the realtime rooms', async () => {
    const admin = await signupOrg('Apagamento Total');
    const ch = await connectChannel(admin);
    const wa = customerNumber();
    const name = `Zuleica Quintarelli${tag()}`;
    const text = `segredo-${tag()}`;
    const oldName = `Zuleica Antiga${tag()}`;
    const oldPhone = customerNumber();

    // Outgoing webhooks: their delivery bodies carry the message and the contact.
    const hook = await call(admin, 'POST', '/api/v1/webhook-endpoints', { url: sinkUrl(sinkName()), events: ['message.created', 'contact.created'] });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);

    // The customer writes: contact, conversation, message, inbox and room history, outgoing deliveries.
    expect((await postWebhook(fx.textMessage(`Oi, ${text}`, { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from: wa, name, timestamp: nowSeconds() }))).status).toBe(200);
    const conv = await eventually(async () => {
      const list = await call(admin, 'GET', '/api/v1/conversations?limit=100');
      return list.body.data.find((c: any) => c.contact.waId === wa) as { id: string; contact: { id: string } } | undefined;
    });
    const contactId = conv.contact.id;

    // Notes, attributes, a deal named after them, a merge of their older record (audit snapshot with the old name and number).
    expect((await call(admin, 'POST', `/api/v1/contacts/${contactId}/notes`, { body: `Anotação: ${text}` })).status).toBe(201);
    expect((await call(admin, 'POST', '/api/v1/contact-attributes', { key: 'observacao', label: 'Observação', type: 'text' })).status).toBe(201);
    const attrs = await call(admin, 'PATCH', `/api/v1/contacts/${contactId}`, { attributes: { observacao: text } });
    expect(attrs.status, JSON.stringify(attrs.body)).toBe(200);
    expect((await call(admin, 'POST', '/api/v1/deals', { title: `Pedido de ${name}`, contactId, conversationId: conv.id, valueCents: 990 })).status).toBe(201);
    const older = await call(admin, 'POST', '/api/v1/contacts', { name: oldName, phone: `+${oldPhone}` });
    expect(older.status, JSON.stringify(older.body)).toBe(201);
    expect((await call(admin, 'POST', `/api/v1/contacts/${contactId}/merge`, { otherId: older.body.contact.id })).status).toBe(200);

    // Media of a message in R2, and an upload for the conversation never sent.
    const msgs = await messagesOf(admin, conv.id);
    const mediaKey = `media/${admin.orgId}/erase-${crypto.randomUUID()}`;
    await env.MEDIA.put(mediaKey, `foto ${text}`);
    await db.execute(sql`update messages set media_key = ${mediaKey}, media_status = 'stored' where id = ${msgs[0]!.id}`);
    const upload = await api('POST', `/api/v1/conversations/${conv.id}/media?filename=${encodeURIComponent(`${name}.pdf`)}`, {
      token: admin.accessToken,
      rawBody: `%PDF-1.4 ${text}` as string,
      headers: { 'content-type': 'application/pdf' },
    });
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);

    // A status for a send not recorded yet (kept by wamid), and an event for a number no organisation has.
    expect((await postWebhook(fx.statusWebhook('delivered', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, recipientId: wa }))).status).toBe(200);
    const strayNumber = `99${tag().replace(/\D/g, '')}${Date.now()}`;
    expect((await postWebhook(fx.textMessage(`Oi, ${text}`, { phoneNumberId: strayNumber, from: wa, name, timestamp: nowSeconds() }))).status).toBe(200);
    await drainQueues();

    // Dead letters: one of the organisation (a realtime notify with the message), one platform webhook inline, one
    // whose body waits in R2 (raw webhook body), and one parked in R2 while the database was down.
    const webhookBody = JSON.stringify(fx.textMessage(`Oi, ${text}`, { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from: wa, name, timestamp: nowSeconds() }));
    const rawKey = `${RAW_PREFIX}${new Date().toISOString().slice(0, 10)}/${crypto.randomUUID()}.json`;
    await env.MEDIA.put(rawKey, webhookBody);
    const receivedAt = new Date().toISOString();
    await storeDeadLetters(db, QUEUE_NAMES.ingest, [
      { id: `dl-${tag()}`, attempts: 5, body: { type: 'meta.webhook', body: webhookBody, receivedAt } },
      { id: `dl-${tag()}`, attempts: 5, body: { type: 'meta.webhook', bodyKey: rawKey, receivedAt } },
    ]);
    await storeDeadLetters(db, QUEUE_NAMES.outbound, [
      { id: `dl-${tag()}`, attempts: 4, body: { type: 'realtime.notify', organizationId: admin.orgId, conversationId: conv.id, events: [{ type: 'message.created', data: { body: text } }] } },
    ]);
    await env.MEDIA.put(`${PARKED_PREFIX}${receivedAt}-${tag()}.json`, JSON.stringify({ id: 'parked', body: { type: 'meta.webhook', body: webhookBody, receivedAt }, attempts: 5, queue: QUEUE_NAMES.ingest, parkedAt: receivedAt }));

    // Seeded everywhere: the scan sees each place (and so is allowed to read every row).
    const before = await databaseHits(text);
    // Message bodies, notes and the list's preview are sealed at rest (issue 21 §4): in `messages` the words are found
    // only in the search document (search_vector); notes and previews are seen through the API (and the note's row
    // must be gone after the erasure).
    for (const table of ['messages', 'contacts', 'dead_letters', 'unroutable_events', 'webhook_deliveries']) expect(before, table).toHaveProperty(table);
    for (const table of ['conversations', 'contact_notes']) expect(before, table).not.toHaveProperty(table);
    expect((await call(admin, 'GET', `/api/v1/conversations/${conv.id}`)).body.conversation.lastMessagePreview).toBe(`Oi, ${text}`);
    expect((await call(admin, 'GET', `/api/v1/contacts/${contactId}/notes`)).body.data.map((n: { body: string }) => n.body)).toEqual([`Anotação: ${text}`]);
    expect(await db.select().from(contactNotes).where(eq(contactNotes.organizationId, admin.orgId))).toHaveLength(1);
    const beforeWa = await databaseHits(wa);
    for (const table of ['contacts', 'pending_statuses', 'dead_letters', 'unroutable_events']) expect(beforeWa, table).toHaveProperty(table);
    expect(await databaseHits(oldName)).toHaveProperty('audit_logs');
    expect(await databaseHits(name)).toHaveProperty('deals');
    // The agent's upload is sealed at rest (issue 21 §4): its words are in the other three objects' bytes only.
    expect(await bucketHits(text)).toHaveLength(3);
    expect((await env.MEDIA.head(upload.body.key))?.customMetadata).toMatchObject({ enc: 'v1' });
    // The inbox history has the list entry (name, last message); the chat's room only if someone had it open.
    expect(await durableHits([text], admin.orgId, [conv.id])).toContain(`inbox: ${text}`);

    const res = await call(admin, 'DELETE', `/api/v1/contacts/${contactId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await drainQueues();

    for (const needle of [wa, oldPhone, name, oldName, text]) {
      expect(await databaseHits(needle), needle).toEqual({});
      expect(await bucketHits(needle), needle).toEqual([]);
    }
    expect(await durableHits([wa, name, text], admin.orgId, [conv.id])).toEqual([]);
    expect(await env.MEDIA.head(upload.body.key)).toBeNull();

    // What went from each place is audited, with counts only; earlier entries stay, scrubbed.
    const [entry] = await db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, admin.orgId), eq(auditLogs.action, 'contact.erased')));
    expect(entry!.metadata).toMatchObject({
      conversations: 1,
      messages: expect.any(Number),
      dataExports: 0,
      deadLetters: 3,
      unroutableEvents: 1,
      pendingStatuses: 1,
      webhookDeliveries: expect.any(Number),
      deals: 1,
      auditEntries: expect.any(Number),
      unattachedUploads: 1,
      rawWebhookBodies: 1,
      parkedDeadLetters: 1,
    });
    expect((entry!.metadata as { webhookDeliveries: number }).webhookDeliveries).toBeGreaterThanOrEqual(2);
    const [merged] = await db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, admin.orgId), eq(auditLogs.action, 'contact.merged')));
    expect(merged).toMatchObject({ targetId: contactId, metadata: { merged: '[apagado]' } });
    const [deal] = await db.select().from(deals).where(eq(deals.organizationId, admin.orgId));
    expect(deal).toMatchObject({ title: 'Pedido de [apagado]', contactId: null, valueCents: 990 });
    expect(await db.select().from(pendingStatuses).where(eq(pendingStatuses.organizationId, admin.orgId))).toEqual([]);
    expect(await db.select().from(contactNotes).where(eq(contactNotes.organizationId, admin.orgId))).toEqual([]);
    expect(await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.organizationId, admin.orgId))).toEqual([]);
    expect(await db.select().from(unroutableEvents).where(eq(unroutableEvents.phoneNumberId, strayNumber))).toEqual([]);
  });

  it('leaves the same person’s data at another organisation alone', async () => {
    const [a, b] = [await signupOrg('Apagamento A'), await signupOrg('Apagamento B')];
    const [chA, chB] = [await connectChannel(a), await connectChannel(b)];
    const wa = customerNumber();
    const text = `outra-empresa-${tag()}`;
    for (const [org, ch] of [[a, chA], [b, chB]] as const) {
      expect((await postWebhook(fx.textMessage(text, { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from: wa, name: 'Mesma Pessoa', timestamp: nowSeconds() }))).status).toBe(200);
      await eventually(async () => (await call(org, 'GET', '/api/v1/conversations?limit=10')).body.data[0]);
    }
    const contactA = (await call(a, 'GET', '/api/v1/conversations?limit=10')).body.data[0].contact.id as string;
    // B's dead letters (its own and a platform webhook for its number) and an unroutable event for a number B owns now.
    const bodyB = JSON.stringify(fx.textMessage(text, { phoneNumberId: chB.phoneNumberId, from: wa, name: 'Mesma Pessoa', timestamp: nowSeconds() }));
    await storeDeadLetters(db, QUEUE_NAMES.ingest, [{ id: `dl-${tag()}`, attempts: 5, body: { type: 'meta.webhook', body: bodyB, receivedAt: new Date().toISOString() } }]);
    await storeDeadLetters(db, QUEUE_NAMES.outbound, [
      { id: `dl-${tag()}`, attempts: 4, body: { type: 'realtime.notify', organizationId: b.orgId, conversationId: null, events: [{ type: 'x', data: { waId: wa } }] } },
    ]);
    await db.insert(unroutableEvents).values({ phoneNumberId: chB.phoneNumberId, reason: 'unknown_phone_number_id', payload: { from: wa, text } });
    const before = await databaseHits(wa);

    expect((await call(a, 'DELETE', `/api/v1/contacts/${contactA}`)).status).toBe(200);
    const after = await databaseHits(wa);
    expect(after).toEqual({ ...before, contacts: before.contacts! - 1 });
    expect(after.dead_letters).toBe(2);
    expect(after.unroutable_events).toBe(1);
    expect((await call(b, 'GET', '/api/v1/conversations?limit=10')).body.data[0].contact.waId).toBe(wa);
  });
});
