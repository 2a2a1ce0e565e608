// Every minute: scheduled messages whose time has come are sent (worker/domain/scheduled-messages.ts). The claim runs
// as the system (one statement across organisations); each send runs under its organisation's RLS and commits the
// message, the row marked sent and the audit entry together, then enqueues the send like a typed reply. An isolate
// that dies mid-way leaves the row in `sending`: a later run takes it again, and the clientId keeps it one message.
import type { Db } from '../db/client';
import { asSystem, withOrg } from '../db/tx';
import { awaitsQueue, claimDue, sendScheduled } from '../domain/scheduled-messages';
import { sealingCrypto } from '../domain/sealing-crypto';
import type { Env } from '../env';
import { errorFields, type Logger } from '../lib/log';
import { notifyStored, publishToConversation } from '../realtime/notify';

/** Bounded work per run; the rest waits a minute. */
const CLAIM_LIMIT = 100;

export async function sendScheduledMessages(env: Env, db: Db, log: Logger, now = new Date()): Promise<{ sent: number; failed: number }> {
  const claimed = await asSystem(db, (tx) => claimDue(tx, now, CLAIM_LIMIT));
  let sent = 0;
  let failed = 0;
  for (const row of claimed) {
    const orgId = row.organizationId;
    try {
      // The organisation's key exists before the transaction that seals the message (sealing-crypto.ts).
      const crypto = await sealingCrypto(db, env.ENCRYPTION_MASTER_KEYS, orgId);
      const outcome = await withOrg(db, orgId, (tx) => sendScheduled(tx, orgId, row.id, now, crypto));
      if (outcome.kind === 'skipped') continue;
      if (outcome.kind === 'failed') {
        failed++;
        log.warn('scheduled message not sent', { orgId, scheduledMessageId: row.id, error: outcome.error });
      } else {
        sent++;
        const { message } = outcome;
        if (awaitsQueue(message)) {
          try {
            await env.OUTBOUND_QUEUE.send({ type: 'outbound.send', organizationId: orgId, messageId: message.id }, { contentType: 'json' });
          } catch (err) {
            // Stored as queued: the outbound sweeper enqueues it within minutes (jobs/outbound-sweeper.ts).
            log.error('scheduled message enqueue failed; left to the outbound sweeper', { ...errorFields(err), orgId, messageId: message.id });
          }
        }
        if (outcome.created) await notifyStored(env, db, orgId, { created: [message], updated: [], conversationIds: [outcome.conversationId] }, log);
      }
      await publishToConversation(env, orgId, outcome.conversationId, [{ type: 'scheduled.updated', data: { conversationId: outcome.conversationId } }], log);
    } catch (err) {
      // Left in `sending`: taken again once the claim is stale. One failing row never stops the others.
      log.error('scheduled message send failed; will retry', { ...errorFields(err), orgId, scheduledMessageId: row.id });
    }
  }
  return { sent, failed };
}
