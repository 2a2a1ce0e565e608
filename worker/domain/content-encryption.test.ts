// Encryption at rest on the agents' side (issue 21 §4): a reply, a private note (with a mention), a contact note and
// the satisfaction survey's automatic question are stored sealed — no column of any table holds their text but the
// search document — while the API (chat, inbox, conversation, contact, notes, notifications) and the customer's
// WhatsApp get the plaintext. A sealed value copied into another row does not open there.
import { env } from 'cloudflare:test';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { drainQueues } from '../../test/drain';
import { addMember, api, signupOrg, testDb, type Session } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, eventually, fake, messagesOf, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';
import { contactNotes, conversations, messages, users } from '../db/schema';
import { DEFAULT_CSAT } from '../schemas/service-desk';
import { contentCrypto, messageContext, noteContext, previewContext, UNREADABLE_PLACEHOLDER } from './content-crypto';
import { plaintextHits } from '../../test/at-rest';

const { db, pool } = testDb();
afterAll(() => pool.end());
const word = () => `zq${crypto.randomUUID().replace(/-/g, '').slice(0, 10)}`;

/** A customer of the channel writes; the conversation as the API lists it. */
async function customerWrites(admin: Session, ch: TestChannel, text: string) {
  const from = customerNumber();
  const o = { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() };
  expect((await postWebhook(fx.textMessage(text, o))).status).toBe(200);
  return { from, conv: await conversationOf(admin, from) };
}

const send = (s: Session, conversationId: string, body: unknown) => api('POST', `/api/v1/conversations/${conversationId}/messages`, { token: s.accessToken, body });

describe('agents’ content is stored sealed', () => {
  it('a reply, a note, a contact note and an automatic message: sealed in the database, plaintext through the API and to WhatsApp', async () => {
    const admin = await signupOrg('Cofre Atendimento');
    const bruno = await addMember(admin.orgId, 'agent');
    await db.update(users).set({ name: 'Bruno Cofre' }).where(eq(users.id, bruno.userId));
    const ch = await connectChannel(admin);
    expect((await api('PUT', `/api/v1/channels/${ch.id}/automation`, { token: admin.accessToken, body: { csat: { ...DEFAULT_CSAT, enabled: true } } })).status).toBe(200);
    const { from, conv } = await customerWrites(admin, ch, 'Meu pedido não chegou');
    const [reply, note, remark] = [`Seu pedido ${word()} sai hoje`, `@bruno confere o ${word()} por favor`, `Cliente prefere ${word()} à tarde`];

    const sent = await send(admin, conv.id, { type: 'text', text: reply });
    expect(sent.status).toBe(202);
    expect(sent.body.message.body).toBe(reply);
    const written = await send(admin, conv.id, { type: 'note', text: note });
    expect(written.status).toBe(202);
    expect(written.body.message.body).toBe(note);
    const noted = await api('POST', `/api/v1/contacts/${conv.contact.id}/notes`, { token: admin.accessToken, body: { body: remark } });
    expect(noted.status).toBe(201);
    expect(noted.body.note.body).toBe(remark);
    const resolved = await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken, body: { status: 'resolved' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body.conversation.lastMessagePreview).toBe(reply);
    await drainQueues();

    // WhatsApp got the text, not the ciphertext.
    const received = await eventually(async () => {
      const data = (await fake('GET', `/sent?to=${from}`)).body.data as { type: string; request: any }[];
      return data.length >= 2 && data;
    });
    expect(received.find((m) => m.type === 'text')?.request.text.body).toBe(reply);
    expect(received.find((m) => m.type === 'interactive')?.request.interactive.body.text).toBe(DEFAULT_CSAT.question);

    // In the database: sealed bodies, preview and note, bound to their rows; the search document is there.
    const crypto = contentCrypto(db, env.ENCRYPTION_MASTER_KEYS, admin.orgId);
    const ours = await db.select().from(messages).where(and(eq(messages.organizationId, admin.orgId), eq(messages.direction, 'outbound'), isNotNull(messages.body)));
    expect(ours).toHaveLength(3);
    for (const m of ours) expect(m.body, 'every body sealed').toMatch(/^enc:v1:/);
    const texts = await Promise.all(ours.map((m) => crypto.open(m.body!, messageContext(m.id))));
    expect(texts).toEqual(expect.arrayContaining([reply, note]));
    expect(texts.find((t) => t !== reply && t !== note)).toContain(DEFAULT_CSAT.question);
    const docs = await db.execute<{ id: string; has: boolean }>(
      sql`select id, search_vector is not null and search_vector @@ public.conversa_tsquery(${reply.split(' ')[2]!}) as has from messages where organization_id = ${admin.orgId}`,
    );
    expect(docs.rows.filter((r) => r.has).map((r) => r.id)).toEqual([sent.body.message.id]);
    const [stored] = await db.select().from(conversations).where(eq(conversations.id, conv.id));
    expect(stored!.lastMessagePreview).toMatch(/^enc:v1:/);
    expect(await crypto.open(stored!.lastMessagePreview!, previewContext(admin.orgId))).toBe(reply);
    const [storedNote] = await db.select().from(contactNotes).where(eq(contactNotes.id, noted.body.note.id));
    expect(storedNote!.body).toMatch(/^enc:v1:/);
    expect(await crypto.open(storedNote!.body, noteContext(storedNote!.id))).toBe(remark);
    for (const needle of [reply, note, remark].map((t) => t.match(/zq\w+/)![0])) expect(await plaintextHits(db, needle), needle).toEqual([]);

    // Through the API: plaintext everywhere it is shown.
    const chat = await messagesOf(admin, conv.id);
    expect(chat.map((m) => m.body)).toEqual(expect.arrayContaining([reply, note]));
    expect(chat.find((m) => m.payload?.automatic === 'csat_question').body).toContain(DEFAULT_CSAT.question);
    const inbox = await api('GET', '/api/v1/conversations?limit=100', { token: admin.accessToken });
    expect(inbox.body.data.find((c: any) => c.id === conv.id).lastMessagePreview).toBe(reply);
    expect((await api('GET', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken })).body.conversation.lastMessagePreview).toBe(reply);
    const contact = await api('GET', `/api/v1/contacts/${conv.contact.id}`, { token: admin.accessToken });
    expect(contact.status).toBe(200);
    expect(contact.body.conversations.map((c: any) => c.lastMessagePreview)).toEqual([reply]);
    expect(contact.body.notes.map((n: any) => n.body)).toEqual([remark]);
    expect((await api('GET', `/api/v1/contacts/${conv.contact.id}/notes`, { token: admin.accessToken })).body.data.map((n: any) => n.body)).toEqual([remark]);
    const notices = await api('GET', '/api/v1/notifications', { token: bruno.accessToken });
    expect(notices.body.data).toMatchObject([{ kind: 'mention', messageId: written.body.message.id, excerpt: note }]);
  });

  it('a sealed body copied into another message does not open there', async () => {
    const admin = await signupOrg('Cofre Copia');
    const ch = await connectChannel(admin);
    const { conv } = await customerWrites(admin, ch, 'Olá');
    const first = (await send(admin, conv.id, { type: 'note', text: `Primeira ${word()}` })).body.message;
    const second = (await send(admin, conv.id, { type: 'note', text: `Segunda ${word()}` })).body.message;
    const [sealed] = await db.select({ body: messages.body }).from(messages).where(eq(messages.id, first.id));
    expect(sealed!.body).toMatch(/^enc:v1:/);
    await db.update(messages).set({ body: sealed!.body }).where(eq(messages.id, second.id));

    const chat = await messagesOf(admin, conv.id);
    expect(chat.find((m) => m.id === first.id).body).toBe(first.body);
    expect(chat.find((m) => m.id === second.id).body).toBe(UNREADABLE_PLACEHOLDER);
  });
});
