// Issue 15 (12, 8): "@Bruno" in a private note tells Bruno — live on his inbox socket and in his notification centre —
// and so does a conversation a colleague gives him; nobody else hears of it.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { addMember, api, signupOrg, testDb } from '../../test/harness';
import { connect, settled } from '../../test/realtime';
import { connectChannel, conversationOf, customerNumber, nowSeconds, postWebhook } from '../../test/whatsapp';
import { users } from '../db/schema';

const { db } = testDb();

describe('notifications', () => {
  it('a mention in a note and an assignment reach only their member, live and in the list; read marks stick', async () => {
    const admin = await signupOrg('Menções');
    const bruno = await addMember(admin.orgId, 'agent');
    const ana = await addMember(admin.orgId, 'agent');
    await db.update(users).set({ name: 'Bruno Souza' }).where(eq(users.id, bruno.userId));
    await db.update(users).set({ name: 'Ana Paula' }).where(eq(users.id, ana.userId));
    const ch = await connectChannel(admin);
    const from = customerNumber();
    await postWebhook(fx.textMessage('Quero cancelar', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
    const conv = await conversationOf(admin, from);

    const brunoInbox = await connect(bruno, '/api/v1/inbox/ws');
    const anaInbox = await connect(ana, '/api/v1/inbox/ws');
    await settled(brunoInbox, anaInbox);
    const note = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin.accessToken, body: { type: 'note', text: '@bruno dá uma olhada? @ninguém' } });
    expect(note.status).toBe(202);
    expect(note.body.message.payload.mentions).toEqual([bruno.userId]);
    const live = await brunoInbox.next('notification.created');
    expect(live.data).toMatchObject({ userId: bruno.userId, kind: 'mention', conversationId: conv.id, messageId: note.body.message.id, excerpt: '@bruno dá uma olhada? @ninguém' });

    // Given to Ana by the admin: hers. Taking one oneself notifies nobody.
    expect((await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken, body: { assigneeId: ana.userId } })).status).toBe(200);
    expect((await anaInbox.next('notification.created')).data).toMatchObject({ userId: ana.userId, kind: 'assigned', conversationId: conv.id, actorUserId: admin.userId });
    await settled(brunoInbox, anaInbox);
    expect(brunoInbox.events.filter((e) => e.type === 'notification.created')).toHaveLength(1);
    expect(anaInbox.events.filter((e) => e.type === 'notification.created')).toHaveLength(1);

    const list = await api('GET', '/api/v1/notifications', { token: bruno.accessToken });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ unread: 1, data: [{ kind: 'mention', contactName: expect.any(String), readAt: null }] });
    expect((await api('GET', '/api/v1/notifications', { token: admin.accessToken })).body).toMatchObject({ unread: 0, data: [] });
    // Another member's notification cannot be marked read by someone else.
    expect((await api('POST', '/api/v1/notifications/read', { token: ana.accessToken, body: { ids: [list.body.data[0].id] } })).body.marked).toBe(0);
    expect((await api('POST', '/api/v1/notifications/read', { token: bruno.accessToken, body: {} })).body.marked).toBe(1);
    expect((await api('GET', '/api/v1/notifications', { token: bruno.accessToken })).body.unread).toBe(0);
    // "@Ana Paula" is Ana Paula (the longest name), and the author is never notified about themselves.
    const second = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: ana.accessToken, body: { type: 'note', text: 'Falei com a @Ana Paula e o @Bruno' } });
    expect(second.body.message.payload.mentions).toEqual([bruno.userId]);
    for (const s of [brunoInbox, anaInbox]) s.close();
  });
});
