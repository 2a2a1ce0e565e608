// At most one accepted send per message, under injected faults: the database refusing the wamid after Meta accepted
// the send, a delivery that finds the message claimed, a claim left by a dead isolate, a message whose enqueue was
// lost. The fake Meta's /_fake/sent is the customer's phone: what it received, it received.
import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as fx from './meta/fixtures';
import { api, signupOrg, testDb, type Session } from '../test/harness';
import { drainQueues } from '../test/drain';
import { connectChannel, conversationOf, customerNumber, eventually, fake, messagesOf, nowSeconds, postWebhook, type TestChannel } from '../test/whatsapp';
import worker from '../worker/index';
import { messageReactions, messages } from '../worker/db/schema';
import { NOT_SENT_IN_TIME, OUTCOME_UNKNOWN } from '../worker/domain/outbound';
import type { Env } from '../worker/env';
import { QUEUE_NAMES } from './messages';

const { db } = testDb();

/** Fires the every-minute cron (the outbound sweeper) as Cloudflare would. */
async function sweep() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/**
 * Makes Postgres refuse the first `times` writes of a wamid onto the message with this client id. The count lives
 * in a sequence, which a failed transaction does not roll back.
 */
async function refuseWamidWrites(clientId: string, times: number) {
  const tag = crypto.randomUUID().replace(/-/g, '').slice(0, 12);
  await db.execute(sql.raw(`CREATE SEQUENCE fault_seq_${tag}`));
  await db.execute(sql`
    CREATE OR REPLACE FUNCTION test_refuse_wamid() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
    BEGIN
      IF NEW.client_id = TG_ARGV[0] THEN
        IF nextval(TG_ARGV[1]::regclass) <= TG_ARGV[2]::int THEN
          RAISE EXCEPTION 'injected fault: the wamid write is refused';
        END IF;
      END IF;
      RETURN NEW;
    END $$`);
  // Identifiers cannot be bound parameters; the tag and client id are made here (hex / uuid).
  await db.execute(
    sql.raw(
      `CREATE TRIGGER fault_${tag} BEFORE UPDATE ON messages FOR EACH ROW
       WHEN (OLD.provider_message_id IS NULL AND NEW.provider_message_id IS NOT NULL)
       EXECUTE FUNCTION test_refuse_wamid('${clientId}', 'fault_seq_${tag}', '${times}')`,
    ),
  );
  return {
    refused: async () => Number(((await db.execute(sql.raw(`SELECT last_value, is_called FROM fault_seq_${tag}`))).rows[0] as any).last_value),
    remove: async () => {
      await db.execute(sql.raw(`DROP TRIGGER fault_${tag} ON messages`));
      await db.execute(sql.raw(`DROP SEQUENCE fault_seq_${tag}`));
    },
  };
}

describe('outbound sends, at most once', () => {
  let admin: Session;
  let ch: TestChannel;
  beforeAll(async () => {
    admin = await signupOrg('Envio Único');
    ch = await connectChannel(admin);
  });

  async function customerWrote() {
    const from = customerNumber();
    await postWebhook(fx.textMessage('Oi!', { phoneNumberId: ch.phoneNumberId, displayPhoneNumber: ch.displayPhoneNumber, wabaId: ch.wabaId, from, timestamp: nowSeconds() }));
    await fake('POST', '/window', { phoneNumberId: ch.phoneNumberId, waId: from, lastInboundAt: new Date().toISOString() });
    return { from, conv: await conversationOf(admin, from) };
  }
  const sentTo = async (from: string) =>
    (await fake('GET', `/sent?to=${from}`)).body.data as { id: string; request: { type: string; text?: { body: string }; reaction?: { emoji: string } } }[];
  const row = async (id: string) => (await db.select().from(messages).where(eq(messages.id, id)))[0]!;
  /** An agent's reply as the API would have committed it, without the queue message (as if the isolate died). */
  async function committedReply(convId: string, text: string, extra: Partial<typeof messages.$inferInsert> = {}) {
    const [m] = await db
      .insert(messages)
      .values({ organizationId: admin.orgId, conversationId: convId, direction: 'outbound', kind: 'text', body: text, status: 'queued', senderUserId: admin.userId, ...extra })
      .returning();
    return m!;
  }

  it('sends once when the database refuses the wamid after Meta accepted the send; a redelivery sends nothing', async () => {
    const { from, conv } = await customerWrote();
    const clientId = crypto.randomUUID();
    // The consumer's write and the first `outbound.record` try both fail; the second try stores it.
    const fault = await refuseWamidWrites(clientId, 2);
    try {
      const res = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin.accessToken, body: { type: 'text', text: 'Só uma vez', clientId } });
      expect(res.status).toBe(202);
      const id = res.body.message.id as string;
      const stored = await eventually(async () => ((await row(id)).providerMessageId ? row(id) : null));
      await drainQueues();
      expect(await fault.refused()).toBeGreaterThanOrEqual(2);
      const atMeta = await sentTo(from);
      expect(atMeta).toHaveLength(1);
      expect(atMeta[0]!.id).toBe(stored.providerMessageId);
      expect(stored).toMatchObject({ status: 'queued', errorTitle: null, sendLeaseUntil: null });

      // Meta's at-least-once delivery, or a retry after a crash: the same job again sends nothing.
      await env.OUTBOUND_QUEUE.send({ type: 'outbound.send', organizationId: admin.orgId, messageId: id }, { contentType: 'json' });
      await drainQueues();
      expect(await sentTo(from)).toHaveLength(1);
    } finally {
      await fault.remove();
    }
  });

  it('does not send a message another delivery holds; an expired claim fails as "outcome unknown" and the next message goes out', async () => {
    const { from, conv } = await customerWrote();
    // A delivery claimed this one and is (as far as anyone knows) still talking to Meta.
    const held = await committedReply(conv.id, 'Primeira', { sendLeaseUntil: new Date(Date.now() + 60 * 60_000), sendAttemptId: crypto.randomUUID() });
    await env.OUTBOUND_QUEUE.send({ type: 'outbound.send', organizationId: admin.orgId, messageId: held.id }, { contentType: 'json' });
    // A later reply of the same conversation waits for it: order per conversation.
    const next = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin.accessToken, body: { type: 'text', text: 'Segunda' } });
    expect(next.status).toBe(202);
    await drainQueues();
    expect(await sentTo(from)).toEqual([]);
    expect((await row(next.body.message.id)).providerMessageId).toBeNull();

    // The sweeper leaves a live claim alone…
    await sweep();
    await drainQueues();
    expect(await sentTo(from)).toEqual([]);
    expect((await row(held.id)).status).toBe('queued');

    // …and resolves an expired one: failed with the reason, never sent again; then the next one's turn.
    await db.update(messages).set({ sendLeaseUntil: new Date(Date.now() - 1000) }).where(eq(messages.id, held.id));
    await sweep();
    const failed = await row(held.id);
    expect(failed).toMatchObject({ status: 'failed', errorTitle: OUTCOME_UNKNOWN.errorTitle, errorDetail: OUTCOME_UNKNOWN.errorDetail });
    await eventually(async () => (await row(next.body.message.id)).providerMessageId);
    await drainQueues();
    expect((await sentTo(from)).map((m) => m.request.text?.body)).toEqual(['Segunda']);
    // The agent sees why.
    const shown = (await messagesOf(admin, conv.id)).find((m) => m.id === held.id);
    expect(shown.error).toMatchObject({ title: 'Send outcome unknown' });
  });

  it('re-enqueues a message left queued by a lost enqueue, sends it once, in order with the ones after it', async () => {
    const { from, conv } = await customerWrote();
    const stale = new Date(Date.now() - 10 * 60_000);
    const lost = await committedReply(conv.id, 'Perdida', { createdAt: stale, updatedAt: stale });
    // A newer reply waits behind it instead of overtaking it.
    const later = await api('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin.accessToken, body: { type: 'text', text: 'Depois' } });
    await drainQueues();
    expect(await sentTo(from)).toEqual([]);

    await sweep();
    await eventually(async () => (await row(later.body.message.id)).providerMessageId);
    await drainQueues();
    // Sweeping again finds nothing to do.
    await sweep();
    await drainQueues();
    expect((await sentTo(from)).map((m) => m.request.text?.body)).toEqual(['Perdida', 'Depois']);
    expect((await row(lost.id)).providerMessageId).toBe((await sentTo(from))[0]!.id);
  });

  it('leaves stale rows that are not unsent alone (sent, failed, note), and gives up on one queued for over a day', async () => {
    const { from, conv } = await customerWrote();
    const stale = new Date(Date.now() - 10 * 60_000);
    const dayOld = new Date(Date.now() - 25 * 60 * 60_000);
    const forgotten = await committedReply(conv.id, 'Esquecida', { createdAt: dayOld, updatedAt: dayOld });
    await committedReply(conv.id, 'Nota', { isPrivate: true, status: 'sent', createdAt: stale, updatedAt: stale });
    await committedReply(conv.id, 'Já foi', { providerMessageId: `wamid.${crypto.randomUUID()}`, createdAt: stale, updatedAt: stale });
    await committedReply(conv.id, 'Falhou', { status: 'failed', createdAt: stale, updatedAt: stale });
    await sweep();
    await drainQueues();
    expect(await sentTo(from)).toEqual([]);
    const rows = await db.select().from(messages).where(and(eq(messages.organizationId, admin.orgId), eq(messages.conversationId, conv.id), eq(messages.direction, 'outbound')));
    expect(rows.map((r) => r.status).sort()).toEqual(['failed', 'failed', 'queued', 'sent']);
    expect(await row(forgotten.id)).toMatchObject({ status: 'failed', ...NOT_SENT_IN_TIME });
  });

  it('marks a send that got no answer in time "outcome unknown" instead of sending it again', async () => {
    const { from, conv } = await customerWrote();
    const m = await committedReply(conv.id, 'Sem resposta');
    // Meta takes the message (the customer gets it) but answers after our timeout.
    await fake('POST', '/slow-next', { to: from, delayMs: 3_000 });
    const body = { type: 'outbound.send', organizationId: admin.orgId, messageId: m.id };
    const batch = createMessageBatch(QUEUE_NAMES.outbound, [{ id: `o-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, GRAPH_TIMEOUT_MS: '300' } as Env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await row(m.id)).toMatchObject({ status: 'failed', providerMessageId: null, ...OUTCOME_UNKNOWN });
    expect(await sentTo(from)).toHaveLength(1);
    await env.OUTBOUND_QUEUE.send(body, { contentType: 'json' });
    await drainQueues();
    expect(await sentTo(from)).toHaveLength(1);
  });

  it('does not send a reaction another delivery holds; the sweeper re-sends one whose claim expired, once', async () => {
    const { from, conv } = await customerWrote();
    const [target] = await db.select().from(messages).where(and(eq(messages.conversationId, conv.id), eq(messages.direction, 'inbound')));
    const [reaction] = await db
      .insert(messageReactions)
      .values({ organizationId: admin.orgId, messageId: target!.id, userId: admin.userId, emoji: '🎉', sendLeaseUntil: new Date(Date.now() + 60 * 60_000), sendAttemptId: crypto.randomUUID() })
      .returning();
    await env.OUTBOUND_QUEUE.send({ type: 'outbound.reaction', organizationId: admin.orgId, messageId: target!.id }, { contentType: 'json' });
    await drainQueues();
    await sweep();
    await drainQueues();
    expect(await sentTo(from)).toEqual([]);

    await db.update(messageReactions).set({ sendLeaseUntil: new Date(Date.now() - 1000) }).where(eq(messageReactions.id, reaction!.id));
    await sweep();
    const sent = await eventually(async () => (await db.select().from(messageReactions).where(eq(messageReactions.id, reaction!.id)))[0]?.providerMessageId);
    await drainQueues();
    await sweep();
    await drainQueues();
    const atMeta = await sentTo(from);
    expect(atMeta).toHaveLength(1);
    expect(atMeta[0]).toMatchObject({ id: sent, request: { type: 'reaction', reaction: { emoji: '🎉' } } });
  });
});
