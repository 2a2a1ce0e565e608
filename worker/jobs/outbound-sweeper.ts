// Every minute: outbound work nobody is doing any more. Sending a reply commits it as `queued` and then enqueues it;
// an isolate that dies in between leaves it queued with no queue message, and one that dies during the Graph call
// leaves its claim (lease) behind. The sweeper
//   - re-enqueues the head of each conversation's unsent messages when it has had no claim and no change for
//     STUCK_AFTER_MS (its turn then passes down the line as usual);
//   - gives up on a message unsent (and unclaimed) for MAX_QUEUED_MS: failed, "Not sent in time" — a day-old reply
//     arriving out of the blue would confuse more than help;
//   - resolves an expired message lease as failed, "Send outcome unknown": the send may have reached the customer
//     and Meta offers no way to ask, so a second copy is not risked (the agent sees why and can resend);
//   - re-enqueues an agent's reaction that is unconfirmed and unclaimed for as long, or whose claim expired (sending
//     the same reaction again changes nothing the customer sees).
// Cross-tenant by nature (cron), so it runs as the system; the partial indexes keep it to the unsent rows.
import { and, asc, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { messageColumns, messageReactions, messages, type Message } from '../db/schema';
import type { Db } from '../db/client';
import { asSystem } from '../db/tx';
import { NOT_SENT_IN_TIME, OUTCOME_UNKNOWN, unsent } from '../domain/outbound';
import type { Env } from '../env';
import { errorFields, type Logger } from '../lib/log';
import { messageDone } from '../../queues/outbound';

/** Longer than the outbound retries' backoff between two tries, so a message waiting for its retry is left alone. */
export const STUCK_AFTER_MS = 3 * 60_000;
export const MAX_QUEUED_MS = 24 * 60 * 60_000;
/** Bounded work per run; the rest waits a minute. */
const SWEEP_LIMIT = 500;

export interface SweepResult {
  requeued: number;
  failedUnknown: number;
  expired: number;
  reactionsRequeued: number;
}

const olderThan = (col: typeof messages.updatedAt | typeof messageReactions.updatedAt, ms: number) =>
  lt(col, sql`now() - ${`${ms} milliseconds`}::interval`);

export async function sweepOutbound(env: Env, db: Db, log: Logger): Promise<SweepResult> {
  const expired: Message[] = await asSystem(db, (tx) =>
    tx
      .update(messages)
      .set({ status: 'failed', failedAt: new Date(), sendLeaseUntil: null, errorCode: null, ...OUTCOME_UNKNOWN, updatedAt: new Date() })
      .where(and(unsent, isNotNull(messages.sendLeaseUntil), lt(messages.sendLeaseUntil, sql`now()`)))
      .returning(messageColumns),
  );
  for (const m of expired) {
    log.warn('outbound lease expired; marked failed (outcome unknown)', { orgId: m.organizationId, messageId: m.id });
    await messageDone(env, db, m.organizationId, m, log);
  }
  const tooOld: Message[] = await asSystem(db, (tx) =>
    tx
      .update(messages)
      .set({ status: 'failed', failedAt: new Date(), errorCode: null, ...NOT_SENT_IN_TIME, updatedAt: new Date() })
      .where(and(unsent, isNull(messages.sendLeaseUntil), lt(messages.createdAt, sql`now() - ${`${MAX_QUEUED_MS} milliseconds`}::interval`)))
      .returning(messageColumns),
  );
  for (const m of tooOld) {
    log.warn('outbound message waited too long; marked failed', { orgId: m.organizationId, messageId: m.id });
    await messageDone(env, db, m.organizationId, m, log);
  }

  // The first unsent message of each conversation: only it may be sent now.
  const heads = await asSystem(db, (tx) =>
    tx
      .selectDistinctOn([messages.organizationId, messages.conversationId], {
        id: messages.id,
        orgId: messages.organizationId,
        leased: messages.sendLeaseUntil,
        stale: sql<boolean>`${olderThan(messages.updatedAt, STUCK_AFTER_MS)}`,
      })
      .from(messages)
      .where(unsent)
      .orderBy(asc(messages.organizationId), asc(messages.conversationId), asc(messages.createdAt), asc(messages.id))
      .limit(SWEEP_LIMIT),
  );
  let requeued = 0;
  for (const head of heads.filter((h) => h.stale && !h.leased)) {
    try {
      // Touched, so the next run leaves it alone while this queue message is on its way.
      await asSystem(db, (tx) => tx.update(messages).set({ updatedAt: new Date() }).where(and(eq(messages.organizationId, head.orgId), eq(messages.id, head.id))));
      await env.OUTBOUND_QUEUE.send({ type: 'outbound.send', organizationId: head.orgId, messageId: head.id }, { contentType: 'json' });
      requeued++;
    } catch (err) {
      log.warn('could not re-enqueue a stuck message', { ...errorFields(err), messageId: head.id });
    }
  }

  const reactions = await asSystem(db, (tx) =>
    tx
      .update(messageReactions)
      .set({ sendLeaseUntil: null, updatedAt: new Date() })
      .where(
        and(
          isNotNull(messageReactions.userId),
          isNull(messageReactions.providerMessageId),
          or(
            lt(messageReactions.sendLeaseUntil, sql`now()`),
            and(isNull(messageReactions.sendLeaseUntil), olderThan(messageReactions.updatedAt, STUCK_AFTER_MS)),
          ),
        ),
      )
      .returning({ orgId: messageReactions.organizationId, messageId: messageReactions.messageId }),
  );
  let reactionsRequeued = 0;
  for (const r of reactions.slice(0, SWEEP_LIMIT)) {
    try {
      await env.OUTBOUND_QUEUE.send({ type: 'outbound.reaction', organizationId: r.orgId, messageId: r.messageId }, { contentType: 'json' });
      reactionsRequeued++;
    } catch (err) {
      log.warn('could not re-enqueue a reaction', { ...errorFields(err), messageId: r.messageId });
    }
  }
  return { requeued, failedUnknown: expired.length, expired: tooOld.length, reactionsRequeued };
}
