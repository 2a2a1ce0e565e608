// Nothing lost, nothing doubled, under injected faults: the database refusing connections (an env whose
// DATABASE_URL points at a closed port, as during an outage), bodies that will never parse, dead letters arriving
// while the database is down, statuses that overtake their send, a webhook redelivered after its conversation was
// resolved. Waits on drained queues or the database, never on a fixed sleep.
import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { and, eq, ne, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as fx from './meta/fixtures';
import { api, signupOrg, testDb, type Session } from '../test/harness';
import { drainQueues } from '../test/drain';
import { connectChannel, conversationOf, customerNumber, eventually, messagesOf, nowSeconds, postWebhook, type TestChannel } from '../test/whatsapp';
import worker from '../worker/index';
import { conversations, deadLetters, messages, pendingStatuses } from '../worker/db/schema';
import type { Env } from '../worker/env';
import { queueActivity } from './activity';
import { PARKED_PREFIX } from './dead-letter';
import { QUEUE_NAMES } from './messages';
import { isTransient, PermanentError, retryDelay } from './retry';

const { db } = testDb();
/** The database is down: nothing listens where the worker looks for it. */
const DOWN: Env = { ...(env as Env), DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/postgres', DB_WS_PROXY: '127.0.0.1:1/v1' };

async function everyMinute(e: Env = env as Env) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), e, ctx);
  await waitOnExecutionContext(ctx);
}

async function deliver(queue: string, body: unknown, e: Env, attempts = 1) {
  const id = `rel-${crypto.randomUUID()}`;
  const batch = createMessageBatch<unknown>(queue, [{ id, timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, e, ctx);
  const result = await getQueueResult(batch, ctx);
  // Made by hand, so never redelivered: drainQueues must not wait for it.
  queueActivity().awaitingRedelivery.delete(id);
  return { id, result };
}

describe('retry rules', () => {
  it('tells passing failures from permanent ones, through wrapped causes', () => {
    const wrap = (cause: unknown) => Object.assign(new Error('Failed query: insert …'), { cause });
    expect(isTransient(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe(true);
    expect(isTransient(wrap(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })))).toBe(true);
    expect(isTransient(wrap(Object.assign(new Error('deadlock detected'), { code: '40P01' })))).toBe(true);
    expect(isTransient(wrap(Object.assign(new Error('duplicate key'), { code: '23505' })))).toBe(false);
    expect(isTransient(wrap(Object.assign(new Error('invalid input syntax'), { code: '22P02' })))).toBe(false);
    expect(isTransient(new PermanentError('unreadable'))).toBe(false);
  });

  it('backs off exponentially with jitter, capped, and keeps retrying for over 30 minutes within 100 tries', () => {
    expect(retryDelay(1, 2, () => 0)).toBe(1);
    expect(retryDelay(1, 2, () => 1)).toBe(2);
    expect(retryDelay(4, 2, () => 1)).toBe(16);
    expect(retryDelay(50, 2, () => 1)).toBe(120);
    expect(retryDelay(50, 2, () => 0)).toBe(60);
    expect(retryDelay(3, 0)).toBe(0);
    let waited = 0;
    for (let attempt = 1; attempt <= 100; attempt++) waited += retryDelay(attempt, 2, () => 0);
    expect(waited).toBeGreaterThan(30 * 60);
  });
});

describe('ingest through a database outage', () => {
  let admin: Session;
  let ch: TestChannel;
  beforeAll(async () => {
    admin = await signupOrg('Queda do Banco');
    ch = await connectChannel(admin);
  });
  const opts = (from: string) => ({ phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() });

  it('retries (never dead-letters) while the database is down, late in the retries too; stores once when it is back', async () => {
    const from = customerNumber();
    const body = { type: 'meta.webhook', body: JSON.stringify(fx.textMessage('Chegou durante a queda', opts(from))), receivedAt: new Date().toISOString() };
    for (const attempts of [1, 60, 99]) {
      const { result } = await deliver(QUEUE_NAMES.ingest, body, DOWN, attempts);
      expect(result.ackAll).toBe(false);
      expect(result.explicitAcks).toEqual([]);
      // Retried one by one or as a batch, never acknowledged: the queue keeps it.
      expect(result.retryMessages.length > 0 || result.retryBatch.retry).toBe(true);
    }
    const back = await deliver(QUEUE_NAMES.ingest, body, env as Env, 100);
    expect(back.result.explicitAcks).toHaveLength(1);
    const again = await deliver(QUEUE_NAMES.ingest, body, env as Env, 1);
    expect(again.result.explicitAcks).toHaveLength(1);
    const conv = await conversationOf(admin, from);
    expect((await messagesOf(admin, conv.id)).map((m: { body: string }) => m.body)).toEqual(['Chegou durante a queda']);
  });

  it('dead-letters a body that will never parse at once, with its reason', async () => {
    const body = { type: 'meta.webhook', body: '{"object":"whatsapp_business_account","entry":"not a list"}', receivedAt: new Date().toISOString() };
    const { id, result } = await deliver(QUEUE_NAMES.ingest, body, env as Env, 1);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toEqual([id]);
    const row = await eventually(async () => (await db.select().from(deadLetters).where(eq(deadLetters.messageId, id)))[0]);
    expect(row).toMatchObject({ queue: QUEUE_NAMES.ingest, attempts: 1, body });
    expect(row.error).toMatch(/not understood/);
  });

  it('a webhook redelivered after its conversation was resolved opens no new conversation', async () => {
    const from = customerNumber();
    const payload = fx.textMessage('Primeira e única', opts(from));
    expect((await postWebhook(payload)).status).toBe(200);
    const conv = await conversationOf(admin, from);
    expect((await api('PATCH', `/api/v1/conversations/${conv.id}`, { token: admin.accessToken, body: { status: 'resolved' } })).status).toBe(200);
    expect((await postWebhook(payload)).status).toBe(200);
    await drainQueues();
    const convs = await db
      .select({ id: conversations.id, status: conversations.status })
      .from(conversations)
      .where(and(eq(conversations.organizationId, admin.orgId), eq(conversations.contactId, conv.contact.id)));
    expect(convs).toEqual([{ id: conv.id, status: 'resolved' }]);
    // The customer's one message (besides the "resolved" event of the timeline).
    expect(await db.select({ n: sql<number>`count(*)::int` }).from(messages).where(and(eq(messages.conversationId, conv.id), ne(messages.kind, 'system')))).toEqual([{ n: 1 }]);
  });
});

describe('dead letters while the database is down', () => {
  it('parks them in R2 (acked, never dropped), /health shows them, the every-minute job moves them once', async () => {
    const body = { type: 'media.fetch', organizationId: crypto.randomUUID(), messageId: crypto.randomUUID() };
    const { id, result } = await deliver(QUEUE_NAMES.deadLetter, body, DOWN, 1);
    expect(result.ackAll).toBe(true);
    const parked = await env.MEDIA.list({ prefix: PARKED_PREFIX });
    expect(parked.objects.some((o) => o.key.includes(id))).toBe(true);

    const ctx = createExecutionContext();
    const health = await worker.fetch(new Request('http://conversa.test/health'), DOWN, ctx);
    expect(health.status).toBe(503);
    const h = (await health.json()) as { deadLetters: { parked: number; oldestParkedAt: string } };
    expect(h.deadLetters.parked).toBeGreaterThanOrEqual(1);
    expect(Date.parse(h.deadLetters.oldestParkedAt)).toBeLessThanOrEqual(Date.now());

    // Still down: the job fails, the letter stays parked.
    await everyMinute(DOWN);
    expect((await env.MEDIA.list({ prefix: PARKED_PREFIX })).objects.some((o) => o.key.includes(id))).toBe(true);
    // Back: moved into the table (its organisation unknown here, so a platform row), then gone from R2.
    await everyMinute();
    const rows = await db.select().from(deadLetters).where(eq(deadLetters.messageId, id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ queue: QUEUE_NAMES.deadLetter, body, error: 'retries exhausted (media.fetch)' });
    expect((await env.MEDIA.list({ prefix: PARKED_PREFIX })).objects.some((o) => o.key.includes(id))).toBe(false);
  });

  it('a parked letter already moved by a run that died before deleting it is not stored twice', async () => {
    const admin = await signupOrg('Cartas Mortas');
    const body = { type: 'outbound.send', organizationId: admin.orgId, messageId: crypto.randomUUID() };
    const { id } = await deliver(QUEUE_NAMES.deadLetter, body, DOWN, 100);
    const key = (await env.MEDIA.list({ prefix: PARKED_PREFIX })).objects.find((o) => o.key.includes(id))!.key;
    const copy = await (await env.MEDIA.get(key))!.text();
    await everyMinute();
    await env.MEDIA.put(key, copy); // as if the delete had not happened
    await everyMinute();
    const rows = await db.select().from(deadLetters).where(eq(deadLetters.messageId, id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.organizationId).toBe(admin.orgId);
  });
});

describe('statuses that overtake their send', () => {
  let admin: Session;
  let ch: TestChannel;
  beforeAll(async () => {
    admin = await signupOrg('Status Adiantado');
    ch = await connectChannel(admin);
  });
  const chOpts = () => ({ phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId });

  async function unsentReply() {
    const from = customerNumber();
    await postWebhook(fx.textMessage('Oi', { ...chOpts(), from, timestamp: nowSeconds() }));
    const conv = await conversationOf(admin, from);
    const attemptId = crypto.randomUUID();
    // Claimed by a delivery that is talking to Meta right now (its wamid not recorded yet).
    const [m] = await db
      .insert(messages)
      .values({ organizationId: admin.orgId, conversationId: conv.id, direction: 'outbound', kind: 'text', body: 'Resposta', status: 'queued', sendAttemptId: attemptId, sendLeaseUntil: new Date(Date.now() + 60_000) })
      .returning();
    return { message: m!, attemptId, from };
  }
  const pendingOf = (wamid: string) => db.select().from(pendingStatuses).where(eq(pendingStatuses.providerMessageId, wamid));

  it('are kept until the wamid is recorded, then applied (read, with delivered time), never lost', async () => {
    const { message, attemptId, from } = await unsentReply();
    const wamid = fx.wamid();
    const t = Math.floor(Date.now() / 1000);
    await postWebhook(fx.statusesWebhook([fx.status('delivered', { id: wamid, recipientId: from, timestamp: String(t) }), fx.status('read', { id: wamid, recipientId: from, timestamp: String(t + 5) })], chOpts()));
    await drainQueues();
    expect((await pendingOf(wamid)).map((p) => p.status).sort()).toEqual(['delivered', 'read']);
    // A redelivery of the same webhook keeps one row per status.
    await postWebhook(fx.statusWebhook('read', { ...chOpts(), id: wamid, recipientId: from, timestamp: String(t + 5) }));
    await drainQueues();
    expect(await pendingOf(wamid)).toHaveLength(2);

    await env.OUTBOUND_QUEUE.send({ type: 'outbound.record', organizationId: admin.orgId, messageId: message.id, attemptId, wamid }, { contentType: 'json' });
    await drainQueues();
    const [row] = await db.select().from(messages).where(eq(messages.id, message.id));
    expect(row).toMatchObject({ providerMessageId: wamid, status: 'read' });
    expect(row!.deliveredAt?.getTime()).toBe(t * 1000);
    expect(row!.readAt?.getTime()).toBe((t + 5) * 1000);
    expect(await pendingOf(wamid)).toEqual([]);
  });

  it('the every-minute job applies a status that raced its record, and drops those a week old', async () => {
    const { message } = await unsentReply();
    const wamid = fx.wamid();
    await db.update(messages).set({ providerMessageId: wamid, sendLeaseUntil: null }).where(eq(messages.id, message.id));
    // The status committed at the same moment as the record, so neither saw the other.
    const event = { kind: 'status', phoneNumberId: ch.phoneNumberId, wabaId: ch.wabaId, providerMessageId: wamid, status: 'delivered', providerStatus: 'delivered', timestamp: new Date().toISOString() };
    const stale = fx.wamid();
    await db.insert(pendingStatuses).values([
      { organizationId: admin.orgId, providerMessageId: wamid, status: 'delivered', event },
      { organizationId: admin.orgId, providerMessageId: stale, status: 'read', event: { ...event, providerMessageId: stale }, createdAt: new Date(Date.now() - 8 * 24 * 3600_000) },
    ]);
    await everyMinute();
    expect((await db.select().from(messages).where(eq(messages.id, message.id)))[0]!.status).toBe('delivered');
    expect(await pendingOf(wamid)).toEqual([]);
    expect(await pendingOf(stale)).toEqual([]);
  });
});
