import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as fx from '../../queues/meta/fixtures';
import { api, signupOrg, testDb } from '../../test/harness';
import { connectChannel, conversationOf, customerNumber, messagesOf, nowSeconds, postWebhook } from '../../test/whatsapp';
import worker from '../index';
import { auditLogs, conversations, deals, messages, retentionRuns } from '../db/schema';

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

  it('keeps conversations under legal hold, with an important message or linked to an open deal, and counts what each kept', async () => {
    const admin = await signupOrg('Retenção: exclusões');
    expect((await api('PATCH', '/api/v1/organization', { token: admin.accessToken, body: { retentionDays: 30, graceDays: 30, retentionEnabled: true } })).status).toBe(200);
    const ch = await connectChannel(admin);
    const open = async () => {
      const from = customerNumber();
      await postWebhook(fx.textMessage('Oi', { phoneNumberId: ch.phoneNumberId, from, timestamp: nowSeconds() }));
      return (await conversationOf(admin, from)) as { id: string; contact: { id: string } };
    };
    const [held, important, dealOpen, dealWon, plain, heldAndImportant] = [await open(), await open(), await open(), await open(), await open(), await open()];
    const hold = (id: string) => api('POST', `/api/v1/conversations/${id}/legal-hold`, { token: admin.accessToken, body: { reason: 'Ação judicial' } });
    const markImportant = async (id: string, important = true) => {
      const [m] = await messagesOf(admin, id);
      const res = await api('PUT', `/api/v1/conversations/${id}/messages/${m.id}/important`, { token: admin.accessToken, body: { important } });
      expect(res.status).toBe(200);
    };
    const deal = async (c: { id: string; contact: { id: string } }) => {
      const res = await api('POST', '/api/v1/deals', { token: admin.accessToken, body: { title: 'Plano anual', contactId: c.contact.id, conversationId: c.id } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.deal.id as string;
    };
    expect((await hold(held.id)).status).toBe(200);
    expect((await hold(heldAndImportant.id)).status).toBe(200);
    await markImportant(heldAndImportant.id);
    await markImportant(important.id);
    await deal(dealOpen);
    await db.update(deals).set({ status: 'won', closedAt: new Date() }).where(eq(deals.id, await deal(dealWon)));
    const all = [held, important, dealOpen, dealWon, plain, heldAndImportant];
    for (const c of all) await db.update(conversations).set({ lastMessageAt: new Date(Date.now() - 40 * DAY) }).where(eq(conversations.id, c.id));

    await runCron();
    const alive = async () => (await db.select({ id: conversations.id, deletedAt: conversations.deletedAt }).from(conversations).where(eq(conversations.organizationId, admin.orgId)));
    const hidden = (await alive()).filter((c) => c.deletedAt).map((c) => c.id).sort();
    expect(hidden).toEqual([dealWon.id, plain.id].sort());
    const [run] = await db.select().from(retentionRuns).where(eq(retentionRuns.organizationId, admin.orgId));
    // A conversation under several exclusions counts under the first (legal hold), so the counts add up.
    expect(run).toMatchObject({ softDeleted: 2, hardDeleted: 0, keptLegalHold: 2, keptImportant: 1, keptOpenDeal: 1 });
    const [audit] = await db.select().from(auditLogs).where(and(eq(auditLogs.organizationId, admin.orgId), eq(auditLogs.action, 'retention.run')));
    expect(audit!.metadata).toMatchObject({ softDeleted: 2, kept: { legalHold: 2, important: 1, openDeal: 1 } });
    const report = (await api('GET', '/api/v1/organization/privacy-report', { token: admin.accessToken })).body;
    expect(report.retention.exclusions).toEqual({ legalHoldConversations: 2, importantMessages: 2, openDealConversations: 1 });
    expect(report.retention.lastRun).toMatchObject({ softDeleted: 2, kept: { legalHold: 2, important: 1, openDeal: 1 } });

    // Past the grace period: the hidden ones go; a hidden one that got an important message meanwhile stays hidden.
    await db.update(conversations).set({ deletedAt: new Date(Date.now() - 31 * DAY) }).where(eq(conversations.id, plain.id));
    await db.update(conversations).set({ deletedAt: new Date(Date.now() - 31 * DAY) }).where(eq(conversations.id, dealWon.id));
    await db.update(messages).set({ importantAt: new Date() }).where(eq(messages.conversationId, dealWon.id));
    // Unmarking the last important message gives the conversation back to retention.
    await markImportant(important.id, false);
    await runCron();
    const after = await alive();
    expect(after.map((c) => c.id).sort()).toEqual([held.id, important.id, dealOpen.id, dealWon.id, heldAndImportant.id].sort());
    expect(after.find((c) => c.id === important.id)!.deletedAt).not.toBeNull();
    const runs = await db.select().from(retentionRuns).where(eq(retentionRuns.organizationId, admin.orgId));
    expect(runs.map((r) => [r.softDeleted, r.hardDeleted, r.keptLegalHold, r.keptImportant, r.keptOpenDeal]).sort()).toEqual([
      [1, 1, 2, 1, 1],
      [2, 0, 2, 1, 1],
    ]);
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
