// After an organisation's messages are stored: the service desk's automatic replies (worker/service-desk), in their
// own transaction, then queued for sending and shown live like any message. A failure here is logged, never fails
// the stored messages (they are the customer's; the bot answering late or not at all is the lesser harm).
import type { Db } from '../worker/db/client';
import type { Message } from '../worker/db/schema';
import { withOrg } from '../worker/db/tx';
import type { Env } from '../worker/env';
import { errorFields, type Logger } from '../worker/lib/log';
import { runAutomation } from '../worker/service-desk/automation';
import { notifyStored } from '../worker/realtime/notify';
import { assignQueues } from '../worker/jobs/auto-assign';
import { sealingCrypto } from '../worker/domain/sealing-crypto';

export async function answerAutomatically(env: Env, db: Db, orgId: string, turns: Map<string, Message[]>, log: Logger): Promise<void> {
  try {
    // Replies are sealed inside the transaction: the organisation's key is made (committed) before it opens.
    const crypto = await sealingCrypto(db, env.ENCRYPTION_MASTER_KEYS, orgId);
    const { created, conversationIds } = await withOrg(db, orgId, (tx) => runAutomation(tx, crypto, orgId, turns));
    if (created.length === 0) return;
    // The outbound sweeper sends messages left queued, so a lost enqueue only delays them.
    await env.OUTBOUND_QUEUE.sendBatch(created.map((m) => ({ body: { type: 'outbound.send', organizationId: orgId, messageId: m.id }, contentType: 'json' as const }))).catch(
      (err: unknown) => log.warn('automatic replies not queued; the sweeper will send them', errorFields(err)),
    );
    await notifyStored(env, db, orgId, { created, updated: [], conversationIds, toRooms: true }, log);
    // Routed into a department's queue: an auto-assigning one hands it out now, not at the next minute.
    if (created.some((m) => (m.payload as { automatic?: string } | null)?.automatic === 'routed')) await assignQueues(env, db, orgId, log);
  } catch (err) {
    log.error('automatic replies failed', { ...errorFields(err), orgId });
  }
}
