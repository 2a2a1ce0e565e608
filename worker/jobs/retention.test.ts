import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { api, signupOrg, testDb } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, nowSeconds, postWebhook } from '../../test/whatsapp';
import worker from '../index';
import { auditLogs, conversations, messages, retentionRuns } from '../db/schema';

const { db } = testDb();
const DAY = 24 * 60 * 60 * 1000;

async function runCron() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: '0 3 * * *', scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe('daily retention', () => {
  it('soft-deletes idle conversations, keeps legal holds, then purges after the grace period with their media', async () => {
    const admin = await signupOrg('Retenção');
    expect((await api('PATCH', '/api/v1/organization', { token: admin.accessToken, body: { retentionDays: 30, graceDays: 30, retentionEnabled: true } })).status).toBe(200);
    const ch = await connectChannel(admin);
    const open = async () => {
      const from = customerNumber();
      await postWebhook(fx.textMessage('Oi', { phoneNumberId: ch.phoneNumberId, from, timestamp: nowSeconds() }));
      return conversationOf(admin, from);
    };
    const [idle, held, recent] = [await open(), await open(), await open()];
    const longAgo = new Date(Date.now() - 40 * DAY);
    await db.update(conversations).set({ lastMessageAt: longAgo }).where(eq(conversations.id, idle.id));
    await db.update(conversations).set({ lastMessageAt: longAgo, legalHold: true }).where(eq(conversations.id, held.id));
    const key = `media/${admin.orgId}/retention-${crypto.randomUUID()}`;
    await env.MEDIA.put(key, 'foto');
    await db.update(messages).set({ mediaKey: key, mediaStatus: 'stored' }).where(eq(messages.conversationId, idle.id));

    await runCron();
    const list = await api('GET', '/api/v1/conversations?limit=100', { token: admin.accessToken });
    expect(list.body.data.map((c: { id: string }) => c.id).sort()).toEqual([held.id, recent.id].sort());
    expect((await api('GET', `/api/v1/conversations/${idle.id}`, { token: admin.accessToken })).status).toBe(404);
    expect(await env.MEDIA.head(key)).not.toBeNull(); // still restorable during the grace period

    // 31 days later the grace period is over.
    await db.update(conversations).set({ deletedAt: new Date(Date.now() - 31 * DAY) }).where(eq(conversations.id, idle.id));
    await runCron();
    expect(await db.select().from(conversations).where(eq(conversations.id, idle.id))).toEqual([]);
    expect(await db.select().from(messages).where(eq(messages.conversationId, idle.id))).toEqual([]);
    expect(await env.MEDIA.head(key)).toBeNull();
    expect(await db.select().from(conversations).where(eq(conversations.id, held.id))).toHaveLength(1);

    const runs = await db.select().from(retentionRuns).where(eq(retentionRuns.organizationId, admin.orgId));
    expect(runs.map((r) => [r.softDeleted, r.hardDeleted]).sort()).toEqual([[0, 1], [1, 0]]);
    const audit = await db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, admin.orgId), eq(auditLogs.action, 'retention.run')));
    expect(audit).toHaveLength(2);
  });

  it('leaves organisations that turned retention off alone', async () => {
    const admin = await signupOrg('Sem retenção');
    await api('PATCH', '/api/v1/organization', { token: admin.accessToken, body: { retentionDays: 30, retentionEnabled: false } });
    const ch = await connectChannel(admin);
    const from = customerNumber();
    await postWebhook(fx.textMessage('Oi', { phoneNumberId: ch.phoneNumberId, from, timestamp: nowSeconds() }));
    const conv = await conversationOf(admin, from);
    await db.update(conversations).set({ lastMessageAt: new Date(Date.now() - 400 * DAY) }).where(eq(conversations.id, conv.id));
    await runCron();
    expect((await api('GET', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken })).status).toBe(200);
  });
});
