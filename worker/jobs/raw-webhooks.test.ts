// Oversized webhook bodies (kept in R2 while their queue message travels) are personal data: deleted once stored,
// and anything left behind is swept once older than RAW_WEBHOOK_DAYS.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { sql } from 'drizzle-orm';
import { signupOrg, testDb } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, eventually, nowSeconds, postWebhook } from '../../test/whatsapp';
import { RAW_PREFIX, RAW_WEBHOOK_DAYS, sweepRawWebhooks } from './raw-webhooks';

const { db } = testDb();
const rawKeys = async () => (await env.MEDIA.list({ prefix: RAW_PREFIX })).objects.map((o) => o.key);

describe('raw webhook bodies in R2', () => {
  it('are deleted once their messages are stored', async () => {
    const admin = await signupOrg('Corpo Grande');
    const ch = await connectChannel(admin);
    const from = customerNumber();
    // One delivery carrying enough messages to pass the queue's inline limit (100 KB): it travels through R2.
    const long = 'Segue a lista completa do pedido, item por item, com as observações de entrega. '.repeat(40);
    const opts = { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() };
    const body = fx.envelope(...Array.from({ length: 40 }, () => ({ wabaId: ch.wabaId, changes: fx.textMessage(long, opts).entry[0]!.changes as Parameters<typeof fx.envelope>[0]['changes'] })));
    expect(JSON.stringify(body).length).toBeGreaterThan(100 * 1024);
    const before = await rawKeys();
    expect((await postWebhook(body)).status).toBe(200);
    const conv = await conversationOf(admin, from);
    await eventually(async () => {
      const { rows } = await db.execute<{ n: number }>(sql`select count(*)::int as n from messages where conversation_id = ${conv.id}`);
      return rows[0]!.n === 40;
    });
    await eventually(async () => (await rawKeys()).filter((k) => !before.includes(k)).length === 0 || null);
  });

  it('left behind are swept once older than the limit, newer ones kept', async () => {
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const old = `${RAW_PREFIX}${day(RAW_WEBHOOK_DAYS + 2)}/left-behind.json`;
    const recent = `${RAW_PREFIX}${day(1)}/in-flight.json`;
    await env.MEDIA.put(old, '{"entry":[]}');
    await env.MEDIA.put(recent, '{"entry":[]}');
    const { deleted } = await sweepRawWebhooks(env);
    expect(deleted).toBeGreaterThanOrEqual(1);
    const keys = await rawKeys();
    expect(keys).not.toContain(old);
    expect(keys).toContain(recent);
    await env.MEDIA.delete(recent);
  });
});
