// Outbound consumer: a queued agent message → Graph API send → wamid recorded, at most one accepted send per message.
// Each delivery claims the message first (a lease, worker/domain/outbound.ts), calls the Graph API with a timeout
// and records the outcome; a redelivery that finds it sent, failed or leased sends nothing. Meta's errors become a
// failed status with a readable reason; only what Meta answered "try later" to (rate limits, outages) is retried.
// A send that got no answer (timeout, dropped connection) may have reached the customer: it is marked failed with
// "Send outcome unknown" rather than risking a second copy. When the wamid cannot be written, it travels on the
// queue (`outbound.record`) until the database takes it. Messages of a conversation go out in order.
import { and, eq } from 'drizzle-orm';
import type { Db } from '../worker/db/client';
import { messages, type Message } from '../worker/db/schema';
import { withOrg } from '../worker/db/tx';
import { applyPending } from './ingest/statuses';
import { claimSend, nextInLine, OUTCOME_UNKNOWN, recordFailed, recordSent, releaseClaim, type Claim, type FailedOutcome } from '../worker/domain/outbound';
import type { Env } from '../worker/env';
import { readMediaBytes } from '../worker/domain/media-objects';
import { errorFields, type Logger } from '../worker/lib/log';
import { errorReason } from './meta/normalise';
import { GraphError } from '../worker/whatsapp/graph';
import { providerFor, type OutgoingFile } from '../worker/whatsapp/provider';
import type { Typed } from '.';
import { retryBase, retryDelay } from './retry';
import { inc } from '../worker/metrics/recorder';
import { notifyStored } from '../worker/realtime/notify';
import { contentCrypto, openMessageBodies, UNREADABLE_PLACEHOLDER } from '../worker/domain/content-crypto';
import { SHREDDED_PLACEHOLDER } from '../worker/domain/organization-keys';

export const OUTBOUND_MAX_ATTEMPTS = 5;

type Outcome = { sent: string } | { failed: FailedOutcome } | { retry: true; delaySeconds?: number };

/** Longest a delivery waits in place for its channel's send slot; a later slot is waited for on the queue. */
const SLOT_WAIT_IN_PLACE_MS = 5_000;

/** The Graph calls for one claimed message; every error is turned into an outcome here. */
async function attemptSend(claim: Extract<Claim, { kind: 'claimed' }>, env: Env, db: Db, orgId: string, attempts: number, log: Logger): Promise<Outcome> {
  const m = claim.message;
  // Only a send that got no answer can have reached the customer unseen; anything earlier can safely be retried.
  let calledSend = false;
  try {
    // The customer gets the text, not what is stored (sealed, issue 21 §4); a placeholder is never sent in its place
    // (retried, as a key lookup that failed for a moment reads the same, then failed).
    const stored = m.body;
    await openMessageBodies(contentCrypto(db, env.ENCRYPTION_MASTER_KEYS, orgId), [m]);
    if (m.body !== stored && (m.body === UNREADABLE_PLACEHOLDER || m.body === SHREDDED_PLACEHOLDER)) {
      throw new GraphError(400, 0, { code: 0, title: 'Content unreadable', reason: 'O texto da mensagem não pôde ser decifrado.', retryable: true }, null);
    }
    const provider = await providerFor(env, claim.channel);
    if (!claim.waId) throw new GraphError(400, 0, { code: 0, title: 'Channel unavailable', reason: 'O contato não tem WhatsApp.', retryable: false }, null);
    // Evolution numbers send at most their rate, evenly spaced (ban risk): this message's slot, now or later.
    if (claim.channel.provider === 'evolution') {
      const slot = await env.CHANNEL_THROTTLE.get(env.CHANNEL_THROTTLE.idFromName(claim.channel.id)).reserve(m.id, claim.sendRatePerMinute);
      const wait = slot - Date.now();
      if (wait > SLOT_WAIT_IN_PLACE_MS) return { retry: true, delaySeconds: Math.ceil(wait / 1000) };
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    let replyToWamid: string | null = null;
    if (m.replyToMessageId) {
      const [quoted] = await withOrg(db, orgId, (tx) =>
        tx.select({ wamid: messages.providerMessageId }).from(messages).where(and(eq(messages.organizationId, orgId), eq(messages.id, m.replyToMessageId!))),
      );
      replyToWamid = quoted?.wamid ?? null;
    }
    let file: OutgoingFile | undefined;
    const key = (m.payload?.media as { key?: string } | undefined)?.key;
    if (key) {
      // Providers take the file's bytes (Graph upload, Evolution base64): decrypted here. Gone or shredded alike.
      const object = await readMediaBytes(env, db, orgId, key);
      if (!object) throw new GraphError(400, 131053, errorReason(131053), 'the uploaded file is gone');
      file = {
        bytes: object.bytes,
        mime: object.contentType ?? 'application/octet-stream',
        filename: m.mediaFilename ?? object.metadata.filename ?? 'arquivo',
      };
    }
    calledSend = true;
    return { sent: await provider.send(m, claim.waId, replyToWamid, file) };
  } catch (err) {
    const graph = err instanceof GraphError ? err : null;
    if (!graph && calledSend) {
      log.warn('outbound send got no answer; outcome unknown', { ...errorFields(err), messageId: m.id });
      return { failed: { errorCode: null, ...OUTCOME_UNKNOWN } };
    }
    const retryable = graph ? graph.retryable : true; // trouble before the send: try again
    if (retryable && attempts < OUTBOUND_MAX_ATTEMPTS) {
      log.warn('outbound send failed; will retry', { ...errorFields(err), messageId: m.id, attempts });
      return { retry: true };
    }
    log.warn('outbound message failed', { messageId: m.id, code: graph?.code });
    return {
      failed: {
        errorCode: graph?.code ?? null,
        errorTitle: graph?.reason.title ?? 'Network error',
        errorDetail: graph ? `${graph.reason.reason}${graph.detail ? ` (${graph.detail})` : ''}` : 'Não foi possível falar com o WhatsApp.',
      },
    };
  }
}

/**
 * The one place a send's wamid is written (by the sending delivery, or later by `outbound.record`). Then the
 * conversation's next message gets its turn, and the rooms hear of it.
 */
export async function recordSentMessage(env: Env, db: Db, orgId: string, messageId: string, attemptId: string, wamid: string, log: Logger): Promise<void> {
  const updated = await withOrg(db, orgId, async (tx) => {
    const sent = await recordSent(tx, orgId, messageId, attemptId, wamid);
    // Statuses that overtook this send (delivered, read, failed) waited for its wamid: applied in this transaction.
    if (!sent) return undefined;
    const moved = await applyPending(tx, orgId, [wamid]);
    return moved.find((m) => m.id === sent.id) ?? sent;
  });
  if (updated) await messageDone(env, db, orgId, updated, log);
}

/** A message is done (sent or failed): hand the turn to the next one and tell the rooms. */
export async function messageDone(env: Env, db: Db, orgId: string, m: Message, log: Logger): Promise<void> {
  await handTurnOn(env, db, orgId, m, log);
  await notifyStored(env, db, orgId, { created: [], updated: [m], conversationIds: [] }, log);
}

async function handTurnOn(env: Env, db: Db, orgId: string, m: Message, log: Logger): Promise<void> {
  try {
    const next = await withOrg(db, orgId, (tx) => nextInLine(tx, orgId, m.conversationId, m.id));
    if (next) await env.OUTBOUND_QUEUE.send({ type: 'outbound.send', organizationId: orgId, messageId: next }, { contentType: 'json' });
  } catch (err) {
    // The sweeper re-enqueues a message left queued; this only makes it prompt.
    log.warn('could not enqueue the next message of the conversation', { ...errorFields(err), messageId: m.id });
  }
}

export async function sendOutboundBatch(items: Typed<'outbound.send'>[], env: Env, db: Db, log: Logger): Promise<void> {
  for (const { message, body } of items) {
    const { organizationId: orgId, messageId } = body;
    try {
      const attemptId = crypto.randomUUID();
      const claim = await withOrg(db, orgId, (tx) => claimSend(tx, orgId, messageId, attemptId));
      if (claim.kind !== 'claimed') {
        // Sent, failed or gone (a redelivery); leased by another delivery; or waiting for an earlier message.
        if (claim.kind !== 'done') log.debug('outbound send not claimed', { messageId, kind: claim.kind });
        message.ack();
        continue;
      }
      const outcome = await attemptSend(claim, env, db, orgId, message.attempts, log);
      inc('conversa_outbound_sends_total', { result: 'retry' in outcome ? 'retry' : 'sent' in outcome ? 'sent' : 'failed' });
      if ('retry' in outcome) {
        await withOrg(db, orgId, (tx) => releaseClaim(tx, orgId, messageId, attemptId));
        message.retry({ delaySeconds: outcome.delaySeconds ?? retryDelay(message.attempts, retryBase(env)) });
        continue;
      }
      if ('sent' in outcome) {
        try {
          await recordSentMessage(env, db, orgId, messageId, attemptId, outcome.sent, log);
        } catch (err) {
          // Sent, but the database did not take the wamid: it travels on the queue instead of being lost. If even
          // that fails, the error retries this delivery, which finds the lease and sends nothing.
          log.warn('recording the wamid failed; queued for later', { ...errorFields(err), messageId });
          await env.OUTBOUND_QUEUE.send(
            { type: 'outbound.record', organizationId: orgId, messageId, attemptId, wamid: outcome.sent },
            { contentType: 'json' },
          );
        }
        message.ack();
        continue;
      }
      const failed = await withOrg(db, orgId, (tx) => recordFailed(tx, orgId, messageId, attemptId, outcome.failed));
      message.ack();
      if (failed) await messageDone(env, db, orgId, failed, log);
    } catch (err) {
      log.warn('outbound delivery failed; will retry', { ...errorFields(err), messageId });
      message.retry({ delaySeconds: retryDelay(message.attempts, retryBase(env)) });
    }
  }
}

/** `outbound.record`: a wamid that could not be written when it was sent. */
export async function recordSentBatch(items: Typed<'outbound.record'>[], env: Env, db: Db, log: Logger): Promise<void> {
  for (const { message, body } of items) {
    try {
      await recordSentMessage(env, db, body.organizationId, body.messageId, body.attemptId, body.wamid, log);
      message.ack();
    } catch (err) {
      log.warn('recording the wamid failed again; will retry', { ...errorFields(err), messageId: body.messageId, attempts: message.attempts });
      message.retry({ delaySeconds: retryDelay(message.attempts, retryBase(env)) });
    }
  }
}
