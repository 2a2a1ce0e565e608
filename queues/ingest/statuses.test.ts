// The batch's statuses are one UPDATE that picks each message's outcome from the status the locked row has: a change
// committed while the UPDATE waited for the row (the send recorded, another status) is built on, never overwritten
// with an outcome computed from what the row said before. Waits on Postgres' lock table, never on a fixed sleep.
import { env } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { signupOrg, testDb, type Session } from '../../test/harness';
import { connect, settled } from '../../test/realtime';
import { connectChannel, conversationOf, customerNumber, eventually, nowSeconds, postWebhook, type TestChannel } from '../../test/whatsapp';
import { createDb } from '../../worker/db/client';
import { messages } from '../../worker/db/schema';
import { withOrg } from '../../worker/db/tx';
import * as fx from '../meta/fixtures';
import type { StatusEvent } from '../meta/normalise';
import { applyStatuses, type StatusResult } from './statuses';

const { db } = testDb();

describe('statuses in one statement', () => {
  let admin: Session;
  let ch: TestChannel;
  beforeAll(async () => {
    admin = await signupOrg('Status Concorrente');
    ch = await connectChannel(admin);
  });

  async function sentReply(status: 'queued' | 'sent') {
    const from = customerNumber();
    await postWebhook(fx.textMessage('Oi', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
    const conv = await conversationOf(admin, from);
    const wamid = `wamid.${crypto.randomUUID()}`;
    const [m] = await db
      .insert(messages)
      .values({ organizationId: admin.orgId, conversationId: conv.id, direction: 'outbound', kind: 'text', body: 'Resposta', status, providerMessageId: wamid })
      .returning();
    return m!;
  }

  const event = (wamid: string, status: StatusEvent['status'], at: Date): StatusEvent => ({
    kind: 'status',
    phoneNumberId: ch.phoneNumberId,
    wabaId: ch.wabaId,
    providerMessageId: wamid,
    status,
    providerStatus: status,
    timestamp: at,
  });

  it('builds on a change committed while it waited for the row', async () => {
    const m = await sentReply('queued');
    const other = createDb({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
    const holder = await other.pool.connect();
    try {
      // Another transaction (the outbound consumer, say) moves the message to "failed" and holds the row.
      await holder.query('begin');
      await holder.query(`update messages set status = 'failed', failed_at = now(), error_title = 'x' where id = $1`, [m.id]);
      const t = new Date(Date.now() - 1000);
      const result: StatusResult = { updated: [], pending: [] };
      // "sent" then "delivered": from queued that ends on delivered; from failed, "sent" does not apply (no proof of
      // delivery) but "delivered" does.
      const applying = withOrg(db, admin.orgId, (tx) => applyStatuses(tx, admin.orgId, [event(m.providerMessageId!, 'sent', t), event(m.providerMessageId!, 'delivered', new Date(t.getTime() + 500))], result));
      // The UPDATE is waiting for the row lock.
      await eventually(async () => {
        const rows = await db.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%by_start%'`);
        return rows.rows[0]!.n > 0 ? true : null;
      });
      await holder.query('commit');
      await applying;
      const [row] = await db.select().from(messages).where(eq(messages.id, m.id));
      expect(row!.status).toBe('delivered');
      expect(row!.deliveredAt).not.toBeNull();
      // Built on the committed row: the failure's time stays, "sent" was not applied over it.
      expect(row!.failedAt).not.toBeNull();
      expect(row!.sentAt).toBeNull();
      expect(result.updated.map((u) => u.id)).toEqual([m.id]);
    } finally {
      holder.release();
      await other.pool.end();
    }
  });

  it('moves forward only, keeps what it cannot place, and a read carries the delivery time', async () => {
    const m = await sentReply('sent');
    const t = new Date(Date.now() - 1000);
    const unknown = `wamid.${crypto.randomUUID()}`;
    const result: StatusResult = { updated: [], pending: [] };
    // Out of order: read before sent; a status for a send we have not recorded yet.
    await withOrg(db, admin.orgId, (tx) =>
      applyStatuses(tx, admin.orgId, [event(m.providerMessageId!, 'read', new Date(t.getTime() + 900)), event(m.providerMessageId!, 'sent', t), event(unknown, 'delivered', t)], result),
    );
    const [row] = await db.select().from(messages).where(eq(messages.id, m.id));
    expect(row).toMatchObject({ status: 'read' });
    expect(row!.readAt!.getTime()).toBe(t.getTime() + 900);
    expect(row!.deliveredAt!.getTime()).toBe(t.getTime() + 900);
    expect(result.pending.map((p) => p.providerMessageId)).toEqual([unknown]);
    const kept = await db.execute<{ n: number }>(sql`select count(*)::int as n from pending_statuses where provider_message_id = ${unknown}`);
    expect(kept.rows[0]!.n).toBe(1);
    // A late "delivered" changes nothing.
    const again: StatusResult = { updated: [], pending: [] };
    await withOrg(db, admin.orgId, (tx) => applyStatuses(tx, admin.orgId, [event(m.providerMessageId!, 'delivered', new Date())], again));
    expect(again.updated).toEqual([]);
  });

  it('a status, a changed reaction and a new message in one webhook: one statement applies all, and the room shows the status with the reaction', async () => {
    const m = await sentReply('sent');
    const conv = (await db.select().from(messages).where(eq(messages.id, m.id)))[0]!;
    const from = (await db.execute<{ wa_id: string }>(sql`select ct.wa_id from conversations c join contacts ct on ct.id = c.contact_id where c.id = ${conv.conversationId}`)).rows[0]!.wa_id;
    const o = { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() };
    await postWebhook(fx.reactionMessage(m.providerMessageId!, '👍', o));
    await eventually(async () => (await db.execute<{ emoji: string }>(sql`select emoji from message_reactions where message_id = ${m.id}`)).rows[0]?.emoji === '👍');

    const room = await connect(admin, `/api/v1/conversations/${m.conversationId}/ws`);
    try {
      const reacted = fx.reactionMessage(m.providerMessageId!, '❤️', o);
      const change = (body: { entry: { changes: unknown[] }[] }) => body.entry[0]!.changes[0]!;
      const both = {
        object: 'whatsapp_business_account',
        entry: [{ id: ch.wabaId, changes: [change(reacted as never), change(fx.textMessage('Obrigado, chegou!', o) as never), change(fx.statusWebhook('read', { ...o, id: m.providerMessageId!, recipientId: from, timestamp: nowSeconds() }) as never)] }],
      };
      expect((await postWebhook(both)).status).toBe(200);
      const updated = await room.next('message.updated', (e) => (e.data as { id: string; status: string }).id === m.id && (e.data as { status: string }).status === 'read');
      expect((updated.data as { reactions: { emoji: string }[] }).reactions.map((r) => r.emoji)).toEqual(['❤️']);
      await room.next('message.created', (e) => (e.data as { body: string }).body === 'Obrigado, chegou!');
      const [row] = await db.select().from(messages).where(eq(messages.id, m.id));
      expect(row!.status).toBe('read');
      expect((await db.execute<{ emoji: string }>(sql`select emoji from message_reactions where message_id = ${m.id}`)).rows.map((r) => r.emoji)).toEqual(['❤️']);
      // One event for the message: the status and the reaction were one change, not two racing updates.
      await settled(room);
      expect(room.events.filter((e) => e.type === 'message.updated' && (e.data as { id: string }).id === m.id)).toHaveLength(1);
    } finally {
      room.close();
    }
  });
});
