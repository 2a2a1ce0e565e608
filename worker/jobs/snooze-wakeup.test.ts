// Snoozed conversations wake at their time (issue 15, defect 1): open again, and open inboxes hear of it.
import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { api, signupOrg, testDb } from '../../test/harness';
import { connect, settled } from '../../test/realtime';
import { connectChannel, conversationOf, customerNumber, nowSeconds, postWebhook } from '../../test/whatsapp';
import { conversations } from '../db/schema';
import { createLogger } from '../lib/log';
import { wakeSnoozedConversations } from './snooze-wakeup';

describe('snooze wake-up', () => {
  const { db, pool } = testDb();
  afterAll(() => pool.end());

  it('reopens a conversation whose snooze is due, not before, and tells the open inbox', async () => {
    const admin = await signupOrg('Adiada');
    const ch = await connectChannel(admin);
    const from = customerNumber();
    await postWebhook(fx.textMessage('Me lembra amanhã', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
    const conv = await conversationOf(admin, from);
    const until = new Date(Date.now() + 60 * 60_000);
    const snoozed = await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken, body: { status: 'snoozed', snoozedUntil: until.toISOString() } });
    expect(snoozed.status).toBe(200);
    const log = createLogger({}, 'silent');

    // A minute before its time: still asleep.
    expect((await wakeSnoozedConversations(env, db, log, new Date(until.getTime() - 60_000))).woken).toBe(0);
    expect((await db.select().from(conversations).where(eq(conversations.id, conv.id)))[0]).toMatchObject({ status: 'snoozed' });

    const inbox = await connect(admin, '/api/v1/inbox/ws');
    await settled(inbox);
    const result = await wakeSnoozedConversations(env, db, log, new Date(until.getTime() + 1_000));
    expect(result.woken).toBeGreaterThanOrEqual(1);
    const [row] = await db.select().from(conversations).where(eq(conversations.id, conv.id));
    expect(row).toMatchObject({ status: 'open', snoozedUntil: null });
    // Live: the inbox socket gets the conversation back, open.
    const event = await inbox.next('conversation.updated', (e) => (e.data as { id: string }).id === conv.id);
    expect(event.data).toMatchObject({ id: conv.id, status: 'open' });
    inbox.close();
    // Once: a second run finds nothing for it.
    expect((await wakeSnoozedConversations(env, db, log, new Date(until.getTime() + 2_000))).woken).toBe(0);
  });
});
