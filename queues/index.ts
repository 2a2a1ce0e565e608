// Queue entry point: parse each envelope, hand each kind to its consumer, keep what nobody understands.
import { createDb } from '../worker/db/client';
import type { Env } from '../worker/env';
import { createLogger, errorFields } from '../worker/lib/log';
import { trackBatch } from './activity';
import { meterBatch, meterDeadLetters } from './metrics';
import { flushMetrics, observe } from '../worker/metrics/recorder';
import { receiveDeadLetters } from './dead-letter';
import { processWebhooks, type IngestItem } from './ingest';
import { fetchMediaBatch } from './media';
import { QUEUE_NAMES, queueMessage, type QueueMessage } from './messages';
import { redeliverNotifications } from './redeliver-notifications';
import { sendPasswordResets } from './password-reset';
import { recordSentBatch, sendOutboundBatch } from './outbound';
import { sendReactionBatch } from './outbound-reactions';
import { databaseAnswers, noteFailure } from './db-gate';
import { deadLetterNow, retryBase, retryDelay } from './retry';
import { deliverWebhooks, fanOutWebhookEvents } from './webhook-deliveries';
import { runDataExportSteps } from './data-export';

type Typed<T extends QueueMessage['type']> = { message: Message<unknown>; body: Extract<QueueMessage, { type: T }> };

export async function handleQueue(delivered: MessageBatch, env: Env, ctx: ExecutionContext): Promise<void> {
  const { batch, done } = trackBatch(meterBatch(delivered), env.APP_ENV === 'test');
  const probes: string[] = [];
  const log = createLogger({ queue: batch.queue, size: batch.messages.length }, env.LOG_LEVEL);
  const { db, pool } = createDb({ url: env.DATABASE_URL, wsProxy: env.DB_WS_PROXY });
  try {
    if (batch.queue.startsWith(QUEUE_NAMES.deadLetter)) {
      const letters = batch.messages.filter((m) => {
        const probe = queueMessage.safeParse(m.body);
        if (probe.success && probe.data.type === 'queue.probe') probes.push(probe.data.token);
        return !probe.success || probe.data.type !== 'queue.probe';
      });
      meterDeadLetters(batch.queue, letters);
      await receiveDeadLetters(env, db, batch.queue, letters.map((m) => ({ id: m.id, body: m.body, attempts: m.attempts })), log);
      batch.ackAll();
      return;
    }
    if (!(await databaseAnswers(db, env))) {
      // Still down: the batch waits out its backoff untouched (probes need no database).
      log.warn('database still unreachable: batch retried', { attempts: Math.max(...batch.messages.map((m) => m.attempts)) });
      for (const m of batch.messages) {
        const probe = queueMessage.safeParse(m.body);
        if (probe.success && probe.data.type === 'queue.probe') {
          probes.push(probe.data.token);
          m.ack();
        } else m.retry({ delaySeconds: retryDelay(m.attempts, retryBase(env)) });
      }
      return;
    }
    const webhooks: IngestItem[] = [];
    const media: Typed<'media.fetch'>[] = [];
    const outbound: Typed<'outbound.send'>[] = [];
    const reactions: Typed<'outbound.reaction'>[] = [];
    const records: Typed<'outbound.record'>[] = [];
    const notifications: Typed<'realtime.notify'>[] = [];
    const resets: Typed<'auth.password_reset'>[] = [];
    const dataExports: Typed<'data_export.step'>[] = [];
    const webhookOut: { events: Typed<'webhook.events'>[]; deliveries: Typed<'webhook.deliver'>[] } = { events: [], deliveries: [] };
    for (const message of batch.messages) {
      const parsed = queueMessage.safeParse(message.body);
      if (!parsed.success) {
        // Not ours or from an older version: never dropped — the dead-letter table keeps it.
        log.error('unrecognised queue message', { id: message.id });
        await deadLetterNow(env, batch.queue, message, 'unrecognised queue message');
        continue;
      }
      const body = parsed.data;
      if (body.type === 'meta.webhook' || body.type === 'evolution.webhook') webhooks.push({ message, body });
      else if (body.type === 'media.fetch') media.push({ message, body });
      else if (body.type === 'outbound.reaction') reactions.push({ message, body });
      else if (body.type === 'outbound.record') records.push({ message, body });
      else if (body.type === 'realtime.notify') notifications.push({ message, body });
      else if (body.type === 'auth.password_reset') resets.push({ message, body });
      else if (body.type === 'webhook.events') webhookOut.events.push({ message, body });
      else if (body.type === 'webhook.deliver') webhookOut.deliveries.push({ message, body });
      else if (body.type === 'data_export.step') dataExports.push({ message, body });
      else if (body.type === 'queue.probe') {
        probes.push(body.token);
        message.ack();
      } else outbound.push({ message, body });
    }
    if (webhooks.length) {
      const started = Date.now();
      await processWebhooks(webhooks, env, db, log);
      observe('conversa_ingest_batch_size', {}, webhooks.length);
      observe('conversa_ingest_batch_duration_seconds', {}, (Date.now() - started) / 1000);
    }
    if (media.length) await fetchMediaBatch(media, env, db, log);
    if (records.length) await recordSentBatch(records, env, db, log);
    if (outbound.length) await sendOutboundBatch(outbound, env, db, log);
    if (reactions.length) await sendReactionBatch(reactions, env, db, log);
    if (notifications.length) await redeliverNotifications(notifications, env, log);
    if (resets.length) await sendPasswordResets(resets, env, db, log);
    // Outgoing webhooks (queues/webhook-deliveries.ts).
    if (webhookOut.events.length) await fanOutWebhookEvents(webhookOut.events, env, db, log);
    if (webhookOut.deliveries.length) await deliverWebhooks(webhookOut.deliveries, env, db, log);
    if (dataExports.length) await runDataExportSteps(dataExports, env, db, log);
  } catch (err) {
    // Unexpected and unclassified (e.g. the routing read with the database down): the whole batch waits and retries;
    // messages already acked or retried keep that outcome.
    log.error('queue batch failed', errorFields(err));
    noteFailure(err);
    batch.retryAll({ delaySeconds: retryDelay(Math.max(...batch.messages.map((m) => m.attempts)), retryBase(env)) });
  } finally {
    done(probes);
    ctx.waitUntil(pool.end().catch(() => {}));
    flushMetrics(env, (p) => ctx.waitUntil(p));
  }
}

export type { Typed };
